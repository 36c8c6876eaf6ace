"""Token generation and hashing, shared by the service that creates tokens and the auth class."""
import hashlib
import secrets

TOKEN_PREFIX = "dst_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
