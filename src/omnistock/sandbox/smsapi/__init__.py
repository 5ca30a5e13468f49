"""SMSAPI.pl sandbox: ``/sms.do`` with SMSAPI's JSON answers and error codes."""
