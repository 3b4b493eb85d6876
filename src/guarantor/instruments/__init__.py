"""Instrument models: air, sea, land and sanctions."""
