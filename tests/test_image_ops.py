"""tf.image against NumPy written from TF1's definitions (pixel loops for resizing), with
gradients through resizing against central differences."""
import numpy as np
import pytest

import tf0 as tf
from numeric import central_differences


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _resize_np(img, out_h, out_w, nearest, align):
    """TF1's legacy resize of one [h, w, c] image, pixel by pixel."""
    h, w, _ = img.shape

    def scale(out, size):
        return (size - 1) / (out - 1) if align and out > 1 else size / out
    sy, sx = scale(out_h, h), scale(out_w, w)
    out = np.zeros((out_h, out_w, img.shape[2]))
    for i in range(out_h):
        for j in range(out_w):
            y, x = i * sy, j * sx
            if nearest:
                rounded = (np.floor(y + 0.5), np.floor(x + 0.5)) if align else (np.floor(y),
                                                                                 np.floor(x))
                out[i, j] = img[min(int(rounded[0]), h - 1), min(int(rounded[1]), w - 1)]
                continue
            y0, x0 = int(np.floor(y)), int(np.floor(x))
            y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
            fy, fx = y - y0, x - x0
            top = img[y0, x0] + (img[y0, x1] - img[y0, x0]) * fx
            bottom = img[y1, x0] + (img[y1, x1] - img[y1, x0]) * fx
            out[i, j] = top + (bottom - top) * fy
    return out


@pytest.mark.parametrize("size", [(7, 5), (2, 3), (4, 4)])
@pytest.mark.parametrize("align", [False, True])
def test_resizing_matches_pixel_loops(size, align):
    rng = np.random.default_rng(size[0] * 10 + size[1])
    images = rng.standard_normal((2, 4, 3, 2))
    x = tf.placeholder(tf.float64, [2, 4, 3, 2])
    bilinear = tf.image.resize_images(x, size, align_corners=align)
    nearest = tf.image.resize_nearest_neighbor(x, size, align_corners=align)
    single = tf.image.resize_bilinear(x[0], size, align_corners=align)
    got = _run([bilinear, nearest, single, tf.gradients(tf.reduce_sum(tf.sin(bilinear)), x)[0]],
               {x: images})
    assert got[0].dtype == np.float32 and got[1].dtype == np.float64
    want = np.stack([_resize_np(im, *size, False, align) for im in images])
    np.testing.assert_allclose(got[0], want, rtol=2e-6, atol=2e-6)
    np.testing.assert_array_equal(got[1], np.stack([_resize_np(im, *size, True, align)
                                                    for im in images]))
    np.testing.assert_allclose(got[2], want[0], rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(got[3], central_differences(
        lambda v: np.sum(np.sin(np.stack([_resize_np(im, *size, False, align) for im in v]))),
        images), rtol=1e-4, atol=1e-5)  # float32 resize


def test_flips_crops_pads_and_color():
    rng = np.random.default_rng(1)
    img = rng.random((5, 6, 3))
    batch = rng.random((2, 5, 6, 3))
    x, b = tf.constant(img), tf.constant(batch)
    top = tf.placeholder(tf.int32, [])
    got = _run([tf.image.flip_left_right(x), tf.image.flip_up_down(b),
                tf.image.transpose_image(x), tf.image.crop_to_bounding_box(b, top, 2, 3, 4),
                tf.image.central_crop(x, 0.5), tf.image.pad_to_bounding_box(x, 1, 2, 8, 9),
                tf.image.rgb_to_grayscale(b), tf.image.grayscale_to_rgb(x[..., :1]),
                tf.image.adjust_brightness(x, 0.25), tf.image.adjust_contrast(b, 1.5),
                tf.image.per_image_standardization(b)], {top: 1})
    padded = np.zeros((8, 9, 3))
    padded[1:6, 2:8] = img
    mean = batch.mean(axis=(1, 2), keepdims=True)
    std = np.maximum(batch.std(axis=(1, 2, 3), keepdims=True), 1 / np.sqrt(90))
    want = [img[:, ::-1], batch[:, ::-1], img.transpose(1, 0, 2), batch[:, 1:4, 2:6],
            img[1:4, 1:5], padded, batch @ np.array([0.2989, 0.5870, 0.1140])[:, None],
            np.repeat(img[..., :1], 3, axis=-1), img + 0.25, (batch - mean) * 1.5 + mean,
            (batch - batch.mean(axis=(1, 2, 3), keepdims=True)) / std]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="does not fit"):
        tf.image.pad_to_bounding_box(x, 4, 0, 8, 9)


def test_random_flips_and_brightness():
    batch = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4, 1)
    flipped = tf.image.random_flip_left_right(tf.constant(np.tile(batch, (50, 1, 1, 1))),
                                              seed=3)
    shifted = tf.image.random_brightness(tf.constant(batch), 0.5, seed=4)
    with tf.Session() as sess:
        got, bright = sess.run([flipped, shifted])
    plain = [np.array_equal(g, batch[k % 2]) for k, g in enumerate(got)]
    mirrored = [np.array_equal(g, batch[k % 2][:, ::-1]) for k, g in enumerate(got)]
    assert all(p != m for p, m in zip(plain, mirrored))  # each image one or the other
    assert 25 <= sum(mirrored) <= 75  # about half of 100
    delta = bright - batch
    assert np.ptp(delta) < 1e-6 and abs(delta.flat[0]) <= 0.5


def test_bicubic_and_area_resizing_by_hand():
    img = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    with tf.Session() as sess:
        ramp = np.arange(8, dtype=np.float32).reshape(1, 1, 8, 1)
        half, same, up = sess.run([tf.image.resize_area(img, [2, 2]),
                                   tf.image.resize_bicubic(img, [4, 4]),
                                   tf.image.resize_bicubic(ramp, [1, 16])])
    # area: each output averages a 2x2 block; bicubic at the same size is the identity;
    # doubling a linear ramp reproduces it away from the edges (the cubic is exact on
    # linear data; at the edges the repeated pixels bend it)
    np.testing.assert_allclose(half[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])
    np.testing.assert_allclose(same, img, atol=1e-6)
    np.testing.assert_allclose(up[0, 0, 2:11, 0], 0.5 * np.arange(2, 11), atol=1e-6)


def test_resize_image_with_pad_keeps_the_aspect_ratio():
    # 7 x 10 into 12 x 12: the ratio 10/12 makes it 8.4 x 12 (8 rows), placed at row
    # floor((12 - 8.4) / 2) = 1 of zeros
    image = np.random.default_rng(5).uniform(0, 1, (7, 10, 2)).astype(np.float32)
    with tf.Session() as sess:
        got, resized = sess.run([tf.image.resize_image_with_pad(image, 12, 12),
                                 tf.image.resize_images(image, [8, 12])])
    assert got.shape == (12, 12, 2)
    np.testing.assert_array_equal(got[1:9], resized)
    assert not got[:1].any() and not got[9:].any()
