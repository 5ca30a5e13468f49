"""FA(3) invoices: the XML writer (``fa3_writer``), the official XSD loaded offline from the
``ksef-client`` package or a configured directory (``fa3_schema``), omnistock's arithmetic checks
(``fa3_check``) and the gate every invoice passes before it leaves (``fa3.render``).

Nothing is imported here, so ``import omnistock.invoicing`` stays cheap and free of I/O.
"""
