"""omnistock.privacy: personal data kept to the minimum, encrypted, retained and erased by rule.

- :mod:`.keys` — the :class:`~.keys.Keyring` from ``OMNISTOCK_PRIVACY_KEYS`` or a key file;
- :mod:`.cipher` — AES-256-GCM per value, bound to table/column/record (``v1:<kid>:…``);
- :mod:`.lookup` — keyed hashes (HMAC-SHA256) of normalised e-mail/phone/customer ids;
- :mod:`.datamap` / :mod:`.inventory` — the declared map of personal fields and its checks;
- :mod:`.sealing` — :class:`~.sealing.Sealer`: what store writers call to seal a record;
- :mod:`.rotation` — resumable re-encryption to the active key;
- :mod:`.retention` — pure retention rules; :mod:`.sweep` — empties expired fields;
- :mod:`.subject` — access export (JSON/HTML) and erasure requests;
- :mod:`.redaction` — the logging filter that masks personal data.
"""
