"""chatrecap: recaps of moderated hashtag chats."""
__version__ = "0.1.0"
