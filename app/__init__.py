"""claim-risk's HTTP service: FastAPI over the scorer in ``model/``."""
