"""Screenshots of Counsel packet… (take.py): the dialog filled in, then what it wrote."""

from __future__ import annotations

from typing import Any

from shots_access import Laptop
from shots_editor import open_case
from shots_world import World


def counsel_packet(camera: Any, laptop: Laptop, world: World) -> None:
    """The open case's packet, split for online filing, then the line saying what was written."""
    window = laptop.window
    open_case(camera, laptop, world.chosen)
    dialog = camera.opened(window.packet_action.trigger, "Counsel packet")
    dialog.split.setChecked(True)
    camera.shoot("packet-dialog", window, dialog)
    dialog.path.setText(str(world.root / "packet.pdf"))  # not the throwaway home folder
    dialog.write_button.click()
    camera.wait(lambda: dialog.job is None, "the packet", seconds=300)
    camera.shoot("packet-dialog-written", window, dialog)
    dialog.reject()
    camera.settle()
