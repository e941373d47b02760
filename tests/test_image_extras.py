"""More of tf.image against NumPy references written here, and PNG files made here with
every scanline filter."""
import struct
import zlib

import numpy as np
import pytest

import tf0 as tf

RNG = np.random.default_rng(81)


def _run(*fetches):
    with tf.Session() as sess:
        return sess.run(list(fetches))


def test_rotations_variation_psnr_and_ssim():
    img = RNG.uniform(0, 1, (5, 4, 3))
    batch = RNG.uniform(0, 1, (2, 12, 12, 1))
    r1, r2, r3, tv, tvb, p, same = _run(
        tf.image.rot90(img), tf.image.rot90(img, 2), tf.image.rot90(img, 3),
        tf.image.total_variation(img), tf.image.total_variation(batch),
        tf.image.psnr(batch, batch * 0.9, 1.0), tf.image.ssim(batch, batch, 1.0))
    for k, r in ((1, r1), (2, r2), (3, r3)):
        np.testing.assert_array_equal(r, np.rot90(img, k))
    np.testing.assert_allclose(tv, np.abs(np.diff(img, axis=0)).sum() +
                               np.abs(np.diff(img, axis=1)).sum(), rtol=1e-12)
    np.testing.assert_allclose(tvb, [np.abs(np.diff(b, axis=0)).sum() +
                                     np.abs(np.diff(b, axis=1)).sum() for b in batch],
                               rtol=1e-12)
    mse = ((batch * 0.1) ** 2).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(p, 10 * np.log10(1 / mse), rtol=1e-5)
    np.testing.assert_allclose(same, [1.0, 1.0], rtol=1e-6)


def test_extract_image_patches_by_hand():
    x = RNG.standard_normal((1, 6, 5, 2))
    (valid,) = _run(tf.extract_image_patches(x, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 1, 1],
                                             "VALID"))
    want = np.array([[x[0, i:i + 2, j:j + 3].reshape(-1) for j in range(3)]
                     for i in range(0, 5, 2)])
    np.testing.assert_array_equal(valid[0], want)
    (dilated,) = _run(tf.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 2, 2, 1],
                                               "VALID"))
    np.testing.assert_array_equal(dilated[0, 1, 0], x[0, 1:4:2, 0:3:2].reshape(-1))


def test_crop_and_resize_samples_bilinearly():
    image = RNG.uniform(0, 1, (1, 5, 6, 2))
    boxes = [[0.0, 0.0, 1.0, 1.0], [0.25, 0.2, 0.75, 0.6], [0.5, 0.5, 1.5, 1.5]]
    (crops,) = _run(tf.image.crop_and_resize(image, boxes, [0, 0, 0], [3, 3],
                                             extrapolation_value=-5.0))

    def bilinear(y, x):
        y0, x0 = int(np.floor(y)), int(np.floor(x))
        y1, x1 = min(y0 + 1, 4), min(x0 + 1, 5)
        dy, dx = y - y0, x - x0
        return (image[0, y0, x0] * (1 - dy) * (1 - dx) + image[0, y0, x1] * (1 - dy) * dx +
                image[0, y1, x0] * dy * (1 - dx) + image[0, y1, x1] * dy * dx)
    for b, (y1, x1, y2, x2) in enumerate(boxes):
        for i in range(3):
            for j in range(3):
                y, x = (y1 + i * (y2 - y1) / 2) * 4, (x1 + j * (x2 - x1) / 2) * 5
                want = bilinear(y, x) if y <= 4 and x <= 5 else [-5.0, -5.0]
                np.testing.assert_allclose(crops[b, i, j], want, rtol=1e-5, atol=1e-6)


def test_non_max_suppression_by_hand():
    boxes = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 0.6, 1, 1.6], [2, 2, 3, 3]]
    scores = [0.9, 0.8, 0.7, 0.1]
    strict, loose, above = _run(tf.image.non_max_suppression(boxes, scores, 4, 0.5),
                                tf.image.non_max_suppression(boxes, scores, 2, 0.95),
                                tf.image.non_max_suppression(boxes, scores, 4, 0.5,
                                                             score_threshold=0.5))
    # box 1 overlaps box 0 by IoU 0.9/1.1; box 2 overlaps box 0 by 0.4/1.6
    assert strict.tolist() == [0, 2, 3] and loose.tolist() == [0, 1]
    assert above.tolist() == [0, 2]


def _png(pixels, color, filters, palette=None, alpha=None):
    """A PNG file of uint8 `pixels` [h, w, samples], row y filtered by filters[y]."""
    h, w, bpp = pixels.shape
    raw = pixels.reshape(h, w * bpp).astype(np.int64)
    rows, prev = [], np.zeros(w * bpp, np.int64)
    for y in range(h):
        cur, f = raw[y], filters[y % len(filters)]
        left = np.concatenate([np.zeros(bpp, np.int64), cur[:-bpp]])
        corner = np.concatenate([np.zeros(bpp, np.int64), prev[:-bpp]])
        if f == 0:
            out = cur
        elif f == 1:
            out = cur - left
        elif f == 2:
            out = cur - prev
        elif f == 3:
            out = cur - (left + prev) // 2
        else:
            p = left + prev - corner
            pa, pb, pc = abs(p - left), abs(p - prev), abs(p - corner)
            out = cur - np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prev, corner))
        rows.append(bytes([f]) + (out % 256).astype(np.uint8).tobytes())
        prev = cur

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + \
            struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    extra = b""
    if palette is not None:
        extra += chunk(b"PLTE", palette.tobytes())
    if alpha is not None:
        extra += chunk(b"tRNS", alpha.tobytes())
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0,
                                                                0)) + extra +
            chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def test_png_files_with_every_filter_and_a_palette_decode_exactly():
    rgb = RNG.integers(0, 256, (7, 6, 3)).astype(np.uint8)
    gray_alpha = RNG.integers(0, 256, (5, 4, 2)).astype(np.uint8)
    palette = RNG.integers(0, 256, (4, 3)).astype(np.uint8)
    index = RNG.integers(0, 4, (3, 5, 1)).astype(np.uint8)
    alpha = np.array([0, 128], np.uint8)
    files = [_png(rgb, 2, [0, 1, 2, 3, 4]), _png(gray_alpha, 4, [4, 3, 1]),
             _png(index, 3, [2, 0], palette=palette, alpha=alpha)]
    pure = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [100, 100, 100]]], np.uint8)
    a, b, c, gray, rgba = _run(*[tf.image.decode_png(f) for f in files],
                               tf.image.decode_png(_png(pure, 2, [1]), channels=1),
                               tf.image.decode_png(files[1], channels=4))
    np.testing.assert_array_equal(a, rgb)
    np.testing.assert_array_equal(b, gray_alpha)
    full_alpha = np.concatenate([alpha, np.full(254, 255, np.uint8)])
    np.testing.assert_array_equal(c[..., :3], palette[index[..., 0]])
    np.testing.assert_array_equal(c[..., 3], full_alpha[index[..., 0]])
    assert gray[..., 0].tolist() == [[76, 149, 29, 100]]  # what TF1 gives these colors
    np.testing.assert_array_equal(rgba[..., :3], np.repeat(gray_alpha[..., :1], 3, axis=2))
    (again,) = _run(tf.image.decode_png(tf.image.encode_png(tf.constant(rgb))))
    np.testing.assert_array_equal(again, rgb)


def test_corrupt_png_is_refused():
    good = _png(np.zeros((2, 2, 3), np.uint8), 2, [0])
    bad = good[:40] + bytes([good[40] ^ 1]) + good[41:]
    for data, message in ((b"not a png", "not a PNG"), (bad, "checksum")):
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            _run(tf.image.decode_png(data))


def test_sampled_crops_respect_ratio_area_and_coverage():
    box = np.array([[[0.2, 0.3, 0.6, 0.8]]], np.float32)
    begin, size, drawn = tf.image.sample_distorted_bounding_box(
        [100, 120, 3], box, seed=1, min_object_covered=0.5, aspect_ratio_range=[0.5, 2.0],
        area_range=[0.1, 0.6])
    assert begin.shape.as_list() == [3] and drawn.shape.as_list() == [1, 1, 4]
    with tf.Session() as sess:
        runs = [sess.run([begin, size, drawn]) for _ in range(40)]
    crops = {tuple(b.tolist() + s.tolist()) for b, s, _ in runs}
    assert len(crops) > 20  # each run draws anew
    for b, s, d in runs:
        y, x, _ = b
        h, w, depth = s
        assert depth == -1 and 0 <= y <= 100 - h and 0 <= x <= 120 - w
        assert 0.1 * 12000 - 130 <= h * w <= 0.6 * 12000 + 130  # the area range, rounded
        assert 0.45 <= w / h <= 2.2
        # the crop covers at least half of the box (in pixels)
        inter = max(0, min(y + h, 60) - max(y, 20)) * max(0, min(x + w, 96) - max(x, 36))
        assert inter >= 0.5 * 40 * 60 - 1e-6
        np.testing.assert_allclose(d[0, 0], [y / 100, x / 120, (y + h) / 100, (x + w) / 120],
                                   rtol=1e-6)
    with pytest.raises(tf.errors.InvalidArgumentError, match="No bounding boxes"):
        _run(tf.image.sample_distorted_bounding_box([10, 10, 1], np.zeros((1, 0, 4)))[0])


def test_draw_bounding_boxes_outlines():
    image = np.zeros((1, 5, 6, 3), np.float32)
    (drawn,) = _run(tf.image.draw_bounding_boxes(image, [[[0.25, 0.2, 0.75, 1.0]]]))
    # rows 1..3, columns 1..5 (0.25*4, 0.75*4; 0.2*5, 1.0*5), in TF1's first color: yellow
    outline = np.zeros((5, 6), bool)
    outline[1, 1:6] = outline[3, 1:6] = outline[1:4, 1] = outline[1:4, 5] = True
    np.testing.assert_array_equal(drawn[0, :, :, 0] == 1.0, outline)
    np.testing.assert_array_equal(drawn[0][outline], [[1.0, 1.0, 0.0]] * outline.sum())
