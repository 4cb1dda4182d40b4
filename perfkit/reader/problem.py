"""The reader's internal error: what is wrong with the bytes, before the file name is known."""


class FormatProblem(Exception):
    """Raised by the decoders and the shape check.

    The reader turns it into ``ProfileFormatError``, which adds the file name.
    """
