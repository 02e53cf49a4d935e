"""Figures and widgets. Importing any of them sets the colour-blind-safe default colours (style.py)."""
from . import style

style.apply()
