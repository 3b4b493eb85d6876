"""The web app's routers, one per area.

Pages, packages and the editor, assessment and comparison, sweeps, rules of engagement, and
background jobs.
"""
