"""The sandbox's "Ministry" key pairs: self-signed certificates served like KSeF's, and decryption.

Two RSA-2048 key pairs are generated at start: one for ``KsefTokenEncryption``, one for
``SymmetricKeyEncryption``, so a client using the wrong certificate fails as on KSeF (415/450).
Decryption here is written independently of the client's encryption.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID

__all__ = ["KeyPair", "aes_decrypt", "sha256_b64"]

OAEP = asym.OAEP(mgf=asym.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def sha256_b64(data: bytes) -> str:
    """base64(SHA-256)."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A private key and its self-signed certificate for one ``usage``."""

    usage: str
    private: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def generate(cls, usage: str, now: datetime) -> KeyPair:
        """A fresh RSA-2048 key with a two-year certificate starting a day before ``now``."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"KSeF sandbox {usage}")])
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=730))
            .sign(key, hashes.SHA256())
        )
        return cls(usage, key, certificate)

    @property
    def public_key_id(self) -> str:
        """base64(SHA-256 of the SubjectPublicKeyInfo)."""
        spki = self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return sha256_b64(spki)

    def listing(self) -> dict[str, Any]:
        """This key as one ``PublicKeyCertificate`` of ``/security/public-key-certificates``."""
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return {
            "certificate": base64.b64encode(der).decode("ascii"),
            "certificateId": base64.b64encode(
                f"{self.certificate.serial_number:x}".encode()
            ).decode("ascii"),
            "publicKeyId": self.public_key_id,
            "validFrom": _iso(self.certificate.not_valid_before_utc),
            "validTo": _iso(self.certificate.not_valid_after_utc),
            "usage": [self.usage],
        }

    def decrypt(self, data: bytes) -> bytes:
        """RSA-OAEP (SHA-256) decryption; ``ValueError`` when it is not ours."""
        return self.private.decrypt(data, OAEP)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def aes_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """AES-256-CBC + PKCS#7 unpadding; ``ValueError`` on a wrong key/IV/padding."""
    if len(key) != 32 or len(iv) != 16 or not data or len(data) % 16:
        raise ValueError("bad AES-256-CBC input")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()
