"""The web app (FastAPI on uvicorn): `chatrecap serve`. See ``chatrecap.web.app``."""
