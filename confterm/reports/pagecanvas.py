"""Vector QR code flowable and the canvas that prints "page x of y" footers.

The QR code is drawn as filled rectangles (one per run of dark modules), not as an image:
it stays sharp at any printer resolution and adds a few KB at most. The footer needs the
page count, which is known only at the end, so the canvas keeps each page's state and
draws all footers when the document is saved (reportlab's usual two-phase recipe).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

FooterPainter = Callable[[Canvas, int, int], None]


class QrFlowable(Flowable):
    """A QR code of ``payload`` (error correction M), ``size`` points square, quiet zone
    of four modules included so scanners find it even next to other ink."""

    def __init__(self, payload: str, size: float = 30 * mm) -> None:
        super().__init__()
        import segno

        self.code = segno.make_qr(payload, error="m", boost_error=False)
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        matrix = [list(row) for row in self.code.matrix]
        modules = len(matrix) + 8
        unit = self.size / modules
        canv = self.canv
        canv.saveState()
        canv.setFillColorRGB(0, 0, 0)
        for r, row in enumerate(matrix):
            y = self.size - (r + 5) * unit
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    canv.rect((start + 4) * unit, y, (c - start) * unit, unit,
                              stroke=0, fill=1)
                else:
                    c += 1
        canv.restoreState()


def numbered_canvas(painter: FooterPainter) -> type[Canvas]:
    """A Canvas class that calls ``painter(canvas, page, pages)`` on every page at save."""

    class _Numbered(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._saved)
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                painter(self, number, pages)
                super().showPage()
            super().save()

    return _Numbered
