"""Read offers' content from Allegro (``GET /sale/product-offers/{offerId}``) to check them.

Synchronous, like the rest of the channel layer; failures come out as the channel error tree
(``omnistock.channels.base``) through :class:`~omnistock.channels.http.ChannelHttp`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

from omnistock.channels.allegro.api import MEDIA_TYPE
from omnistock.channels.allegro.errors import parse_error
from omnistock.channels.base import MalformedResponse, PermanentChannelError
from omnistock.channels.http import ChannelHttp, HttpSettings
from omnistock.compliance.allegro_offer import from_allegro_offer, with_shipping_rates
from omnistock.domain.compliance import ListingContent
from omnistock.domain.errors import InvalidValue

__all__ = ["AllegroOfferReader"]

_PAGE = 1000


class AllegroOfferReader:
    """Reads offers of one Allegro seller account with an access ``token``."""

    def __init__(self, base_url: str, token: str, *, settings: HttpSettings | None = None) -> None:
        self._http = ChannelHttp(
            channel="allegro",
            base_url=base_url,
            parse_error=parse_error,
            headers={"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE},
            settings=settings,
        )
        self._rates: dict[str, dict[str, Any] | None] = {}

    def __enter__(self) -> AllegroOfferReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def read(self, offer_id: str) -> ListingContent:
        """One offer's content, with its shipping rate set's ``type``/``dispatchCountry``."""
        body = self._http.json("GET", f"/sale/product-offers/{offer_id}", offer_id=offer_id)
        if not isinstance(body, dict):
            raise MalformedResponse(
                f"allegro: offer {offer_id}: expected a JSON object", channel="allegro"
            )
        try:
            listing = from_allegro_offer(body)
        except InvalidValue as exc:
            raise MalformedResponse(f"allegro: offer {offer_id}: {exc}", channel="allegro") from exc
        rates = self.shipping_rates(listing.shipping.id) if listing.shipping.id else None
        return with_shipping_rates(listing, rates) if rates is not None else listing

    def shipping_rates(self, rates_id: str) -> dict[str, Any] | None:
        """``GET /sale/shipping-rates/{id}`` once per set (cached); ``None`` if Allegro has none."""
        if rates_id not in self._rates:
            try:
                body = self._http.json("GET", f"/sale/shipping-rates/{rates_id}")
            except PermanentChannelError as exc:
                if exc.http_status != 404:
                    raise
                body = None
            self._rates[rates_id] = body if isinstance(body, dict) else None
        return self._rates[rates_id]

    def read_many(self, offer_ids: Iterable[str]) -> list[ListingContent]:
        """Several offers, one request each, in the given order."""
        return [self.read(offer_id) for offer_id in offer_ids]

    def offer_ids(self) -> Iterator[str]:
        """Ids of every offer of the account (``GET /sale/offers``, 1000 per page)."""
        offset = 0
        while True:
            page: Any = self._http.json(
                "GET", "/sale/offers", params={"limit": _PAGE, "offset": offset}
            )
            offers = page.get("offers") if isinstance(page, dict) else None
            if not isinstance(offers, list):
                raise MalformedResponse("allegro: /sale/offers: no offers list", channel="allegro")
            yield from (str(o["id"]) for o in offers if isinstance(o, dict) and "id" in o)
            offset += len(offers)
            if len(offers) < _PAGE or offset >= int(page.get("totalCount", offset)):
                return

    def unfilled_parameters(self, kind: str) -> list[dict[str, Any]]:
        """Offers with empty parameters, ``kind`` ``REQUIRED`` or ``REQUIREMENT_PLANNED``."""
        return self._pages("/sale/offers/unfilled-parameters", "offers", {"parameterType": kind})

    def scheduled_changes(self) -> list[dict[str, Any]]:
        """Scheduled category parameter changes (``REQUIREMENT_CHANGE``, up to 3 months ahead)."""
        return self._pages("/sale/category-parameters-scheduled-changes", "scheduledChanges", {})

    def _pages(self, path: str, key: str, params: dict[str, str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            page: Any = self._http.json(
                "GET", path, params={**params, "limit": _PAGE, "offset": len(found)}
            )
            items = page.get(key) if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise MalformedResponse(f"allegro: {path}: no {key} list", channel="allegro")
            found += [item for item in items if isinstance(item, dict)]
            if len(items) < _PAGE:
                return found
