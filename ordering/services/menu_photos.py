"""Dish photos: shrunk on the server to a light WebP, served as a file.

A phone's photo is several megabytes with the camera's position inside; a
guest's menu needs a few tens of kilobytes of picture and nothing else.
"""

import io
import secrets
from typing import IO, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ordering.models import MenuItem
from ordering.services.menu import menu_changed
from ordering.services.menu_admin import delete_file_on_commit, find_item

PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MAX_PIXELS = 60_000_000
# The guest menu shows photos at 96 CSS pixels; 640 covers a 3x screen and
# a larger view later, at a few tens of kilobytes in WebP.
PHOTO_EDGE = 640
PHOTO_QUALITY = 78


def photo_shrink(source: IO[bytes]) -> bytes:
    """Return a light WebP of an uploaded image: upright, at most PHOTO_EDGE
    pixels on its long side, no metadata (phones put GPS positions there)."""
    try:
        with Image.open(source) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    _("That picture is too large; use one under 60 megapixels.")
                )
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("That file is not a picture we can read. Use a JPEG, PNG or WebP.")
        ) from error
    if upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    if upright.mode == "RGBA":
        # Transparent areas become white, as on the menu's cards.
        background = Image.new("RGB", upright.size, "white")
        background.paste(upright, mask=upright.getchannel("A"))
        upright = background
    upright.thumbnail((PHOTO_EDGE, PHOTO_EDGE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    upright.save(out, "WEBP", quality=PHOTO_QUALITY, method=5)
    return out.getvalue()


@transaction.atomic
def item_photo_set(
    *, restaurant_id: int, item_id: int, upload: UploadedFile
) -> MenuItem:
    """Store a shrunken copy of an uploaded photo as the dish's picture."""
    if upload.size and upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("That file is over 15 MB; choose a smaller picture."))
    light = photo_shrink(cast(IO[bytes], upload))
    item = find_item(restaurant_id=restaurant_id, item_id=item_id, lock=True)
    old = item.photo.name
    # A fresh name each time: phones and proxies may cache the old picture.
    item.photo.save(
        f"{restaurant_id}-{item.pk}-{secrets.token_hex(4)}.webp",
        ContentFile(light),
        save=False,
    )
    item.save(update_fields=["photo", "updated_at"])
    if old:
        delete_file_on_commit(old)
    # The file is written before the row; if the transaction rolls back the
    # new file is an orphan, which is harmless.
    menu_changed(restaurant_id=restaurant_id)
    return item


@transaction.atomic
def item_photo_remove(*, restaurant_id: int, item_id: int) -> MenuItem:
    item = find_item(restaurant_id=restaurant_id, item_id=item_id, lock=True)
    old = item.photo.name
    item.photo = ""
    item.save(update_fields=["photo", "updated_at"])
    if old:
        delete_file_on_commit(old)
    menu_changed(restaurant_id=restaurant_id)
    return item
