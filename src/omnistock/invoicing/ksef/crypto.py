"""KSeF encryption: RSA-OAEP (SHA-256/MGF1-SHA-256) key wrapping, AES-256-CBC/PKCS#7, SHA-256.

Pure functions over bytes and certificates; the sandbox has its own decrypting counterpart so a
mistake here cannot cancel out on both sides.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = [
    "FileDigest",
    "SessionKey",
    "b64",
    "digest",
    "encrypt_token",
    "load_certificate",
    "public_key_id",
    "rsa_oaep",
    "sha256_b64",
]


def b64(data: bytes) -> str:
    """Standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def sha256_b64(data: bytes) -> str:
    """Base64 of SHA-256 — KSeF's ``Sha256HashBase64``."""
    return b64(hashlib.sha256(data).digest())


@dataclass(frozen=True, slots=True, kw_only=True)
class FileDigest:
    """Size in bytes and base64 SHA-256 of one file, as KSeF requests describe files."""

    size: int
    hash: str


def digest(data: bytes) -> FileDigest:
    """``FileDigest`` of ``data``."""
    return FileDigest(size=len(data), hash=sha256_b64(data))


def load_certificate(der_b64: str) -> x509.Certificate:
    """A certificate from the base64 DER that ``/security/public-key-certificates`` returns."""
    return x509.load_der_x509_certificate(base64.b64decode(der_b64))


def _rsa_key(certificate: x509.Certificate) -> RSAPublicKey:
    key = certificate.public_key()
    if not isinstance(key, RSAPublicKey):
        raise ValueError("KSeF public key certificate does not hold an RSA key")
    return key


def public_key_id(certificate: x509.Certificate) -> str:
    """base64(SHA-256 of the SubjectPublicKeyInfo) — KSeF's ``publicKeyId``."""
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return sha256_b64(spki)


def rsa_oaep(certificate: x509.Certificate, data: bytes) -> bytes:
    """RSAES-OAEP with SHA-256 and MGF1-SHA-256 under the certificate's public key."""
    oaep = asym.OAEP(mgf=asym.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    return _rsa_key(certificate).encrypt(data, oaep)


def encrypt_token(certificate: x509.Certificate, token: str, timestamp_ms: int) -> str:
    """``encryptedToken``: RSA-OAEP of ``"{token}|{challenge timestamp in ms}"``, base64."""
    return b64(rsa_oaep(certificate, f"{token}|{timestamp_ms}".encode()))


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionKey:
    """A session's AES-256 key and IV; ``wrapped`` is the key under the Ministry's RSA key."""

    key: bytes
    iv: bytes

    @classmethod
    def generate(cls) -> SessionKey:
        """A fresh random 32-byte key and 16-byte IV."""
        return cls(key=os.urandom(32), iv=os.urandom(16))

    def encrypt(self, data: bytes) -> bytes:
        """AES-256-CBC with PKCS#7 padding."""
        padder = padding.PKCS7(128).padder()
        padded = padder.update(data) + padder.finalize()
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.iv)).encryptor()
        return encryptor.update(padded) + encryptor.finalize()

    def encryption_info(self, certificate: x509.Certificate) -> dict[str, str]:
        """The ``encryption`` object of an open-session request."""
        return {
            "encryptedSymmetricKey": b64(rsa_oaep(certificate, self.key)),
            "initializationVector": b64(self.iv),
            "publicKeyId": public_key_id(certificate),
        }
