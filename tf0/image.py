"""tf0.image: image ops (dtype conversion, flips, crops, resizing, standardization,
color, HSV)."""
from tf0.ops.image_ops import (ResizeMethod, adjust_brightness, adjust_contrast,  # noqa: F401
                               central_crop, convert_image_dtype, crop_to_bounding_box,
                               flip_left_right, flip_up_down, grayscale_to_rgb,
                               pad_to_bounding_box, per_image_standardization,
                               random_brightness, random_contrast, random_flip_left_right,
                               random_flip_up_down, resize_area, resize_bicubic, resize_bilinear,
                               resize_image_with_crop_or_pad, resize_images,
                               resize_nearest_neighbor, rgb_to_grayscale, transpose_image)
from tf0.ops.image_ops import (  # noqa: F401
    resize_image_with_crop_or_pad as resize_with_crop_or_pad)
from tf0.ops.image_ops import resize_images as resize  # noqa: F401
from tf0.ops.image_ops import resize_image_with_pad  # noqa: F401
from tf0.ops.image_color import (adjust_hue, adjust_saturation, hsv_to_rgb,  # noqa: F401
                                 random_hue, random_saturation, rgb_to_hsv)
from tf0.ops import random_crop  # noqa: F401
from tf0.ops.image_extras import (adjust_gamma, crop_and_resize, decode_png,  # noqa: F401
                                  encode_png, extract_image_patches, image_gradients,
                                  non_max_suppression, psnr, rgb_to_yiq, rgb_to_yuv, rot90,
                                  sobel_edges, ssim, total_variation, yiq_to_rgb, yuv_to_rgb)
from tf0.ops.image_extras import extract_image_patches as extract_patches  # noqa: F401
from tf0.ops.image_ops import transpose_image as transpose  # noqa: F401
from tf0.ops.image_boxes import (draw_bounding_boxes,  # noqa: F401,E402
                                 sample_distorted_bounding_box)
