"""Training for claim-risk: importable functions from data/ to a verified model/.

The CLI (``python -m training``) and the notebooks call these functions; they
hold no logic of their own.
"""
