"""Destinations and adding one (SFTP, its host key compared aloud), as Farida sees them."""

from __future__ import annotations

from typing import Any

from shots_access import Laptop

# An invented server, never contacted: the shots show what is typed and stored.
HOST_KEY = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"


def destinations(camera: Any, laptop: Laptop) -> None:
    window = laptop.window
    delivery = laptop.session.delivery
    if delivery is None:
        raise SystemExit("the field laptop is locked")
    delivery.add_sftp(
        "Counsel, Washington", "sftp://intake@sftp.counsel.example:22/incoming/kabul", HOST_KEY
    )
    listing = camera.opened(window.destinations_action.trigger, "Destinations")
    camera.shoot("destinations", window, listing)
    add = camera.opened(listing.add.click, "Add a destination")
    add.name.setText("Counsel, New York")
    add.user.setText("field-kabul")
    add.host.setText("sftp.nyc-counsel.example")
    add.folder.setText("/incoming")
    add.host_key.field.setText(HOST_KEY)  # as counsel's administrator read it out
    add.host_key.matches.setChecked(True)
    camera.shoot("destinations-add", window, listing, add)
    add.reject()
    listing.reject()
    camera.settle()
