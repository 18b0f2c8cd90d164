"""Serving uploaded images."""
