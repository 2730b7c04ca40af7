"""The built-in blog as a library: drafts, the host's edits, publishing, comments and mail.

The web app (``chatrecap.web``) and the CLI (`chatrecap publish`, `chatrecap comments`) are
thin layers over these modules; everything is kept in the workspace through the store.
"""
