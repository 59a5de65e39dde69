"""What the gallery can do. The only importer of models.py and storage.py.

Every function takes keyword arguments and returns frozen dataclasses (``Image``,
``RenditionFile``, ``ImagePage``), so views, the API and templates never see a PynamoDB
item or a boto3 object. One module per topic; callers import this package:

- ``records``: the dataclasses, reading an item, and the one versioned save loop;
- ``text``: cleaning what people type;
- ``pipeline``: upload and processing;
- ``queries``: one image, and paged lists on indexes;
- ``editing``: the owner's changes and deletion;
- ``moderation``: moderators' decisions;
- ``sizes``: custom sizes ("change resolution");
- ``stores``: creating and checking the gallery's bucket and table.

What happened to an image is announced through ``gallery.signals``.
"""

from gallery.services.editing import image_delete, image_set_short_code, image_update
from gallery.services.moderation import (
    MODERATION_ACTIONS,
    MODERATION_STATES,
    ModerationRefused,
    image_appeal,
    image_file_paths,
    image_moderate,
)
from gallery.services.pipeline import image_process, image_retry, image_upload, named_specs
from gallery.services.queries import (
    image_count_without_date,
    image_get,
    image_get_public,
    image_list,
    image_list_moderation,
    image_list_public,
    image_neighbours,
    image_neighbours_public,
)
from gallery.services.records import (
    SHARED,
    STATUSES,
    VISIBILITIES,
    Image,
    ImagePage,
    RenditionFile,
    rendition_name,
    well_formed_id,
)
from gallery.services.sizes import rendition_create, rendition_delete
from gallery.services.stores import gallery_stores_check, gallery_stores_ensure
from gallery.services.text import ALT_MAX, CAPTION_MAX, TITLE_MAX

__all__ = [
    "ALT_MAX",
    "CAPTION_MAX",
    "MODERATION_ACTIONS",
    "MODERATION_STATES",
    "SHARED",
    "STATUSES",
    "TITLE_MAX",
    "VISIBILITIES",
    "well_formed_id",
    "Image",
    "ImagePage",
    "ModerationRefused",
    "RenditionFile",
    "gallery_stores_check",
    "gallery_stores_ensure",
    "image_appeal",
    "image_count_without_date",
    "image_delete",
    "image_file_paths",
    "image_get",
    "image_get_public",
    "image_list",
    "image_list_moderation",
    "image_list_public",
    "image_neighbours",
    "image_neighbours_public",
    "image_moderate",
    "image_process",
    "image_retry",
    "image_set_short_code",
    "image_update",
    "image_upload",
    "named_specs",
    "rendition_create",
    "rendition_delete",
    "rendition_name",
]
