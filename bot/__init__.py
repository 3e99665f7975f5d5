"""RunBack: a Telegram companion for runners with low back pain."""
