"""omnistock.invoicing."""
