"""Reading a report as it arrives: a Word file, a PDF with a text layer, a saved web page or
plain text, into the text a source stores (one paragraph a line) and the furniture left out.

``read(path)`` sniffs the format from the bytes (the name's extension must agree), runs the
format's extractor in a forked process held to a memory and time budget (a hostile file can
make a parser allocate gigabytes), and returns an ``Extraction``. The extractors' libraries
(python-docx, pdfplumber, trafilatura) are imported there only: the build never needs them.
"""

from pilotkb.editing.intake.formats import FORMATS, KEPT, TEXT, Format, read
from pilotkb.editing.intake.result import Extraction

__all__ = ["FORMATS", "KEPT", "TEXT", "Extraction", "Format", "read"]
