"""tf.image's HSV conversions and hue/saturation adjustments against Python's colorsys
(an independent implementation of the same formulas), on both backends; integer images go
through floats and back; the random versions stay within their ranges."""
import colorsys

import numpy as np
import pytest

import fake_cuda
import tf0 as tf

RNG = np.random.default_rng(3)
RGB = RNG.uniform(0, 1, (3, 4, 3))
RGB[0, :4] = [[0.5, 0.5, 0.5], [0, 0, 0], [1, 0.2, 0.2], [0.2, 0.2, 0.9]]


def _per_pixel(fn, image):
    return np.array([fn(*p) for p in image.reshape(-1, 3)]).reshape(image.shape)


@pytest.mark.parametrize("device", ["numpy", "null_gpu"])
def test_hsv_round_trips_and_matches_colorsys(device, monkeypatch):
    if device == "null_gpu":
        fake_cuda.install(monkeypatch)
    x = tf.constant(RGB)
    hsv = tf.image.rgb_to_hsv(x)
    with tf.Session() as sess:
        got_hsv, back = sess.run([hsv, tf.image.hsv_to_rgb(hsv)])
    np.testing.assert_allclose(got_hsv, _per_pixel(colorsys.rgb_to_hsv, RGB), atol=1e-12)
    np.testing.assert_allclose(back, RGB, atol=1e-12)


def test_hue_and_saturation_adjustments():
    def turned(r, g, b, delta=0.3):
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        return colorsys.hsv_to_rgb((h + delta) % 1.0, s, v)

    def saturated(r, g, b, factor=1.8):
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        return colorsys.hsv_to_rgb(h, min(s * factor, 1.0), v)
    pixels = (RGB * 255).astype(np.uint8)
    with tf.Session() as sess:
        hue, sat, hue_u8 = sess.run([tf.image.adjust_hue(RGB, 0.3),
                                     tf.image.adjust_saturation(RGB, 1.8),
                                     tf.image.adjust_hue(tf.constant(pixels), 0.3)])
    np.testing.assert_allclose(hue, _per_pixel(turned, RGB), atol=1e-12)
    np.testing.assert_allclose(sat, _per_pixel(saturated, RGB), atol=1e-12)
    assert hue_u8.dtype == np.uint8
    want = _per_pixel(turned, pixels / 255.0) * 255.5
    assert np.abs(hue_u8 - np.clip(want, 0, 255).astype(np.uint8)).max() <= 1


def test_random_hue_and_saturation_stay_in_their_ranges():
    x = tf.constant(RGB)
    hue = tf.image.random_hue(x, 0.1, seed=1)
    sat = tf.image.random_saturation(x, 0.5, 0.9, seed=2)
    start = _per_pixel(colorsys.rgb_to_hsv, RGB)
    with tf.Session() as sess:
        for _ in range(3):
            h, s = (_per_pixel(colorsys.rgb_to_hsv, a) for a in sess.run([hue, sat]))
            colored = start[..., 1] > 0.05
            turn = (h[..., 0] - start[..., 0] + 0.5) % 1.0 - 0.5
            assert np.ptp(turn[colored]) < 1e-9 and abs(turn[colored][0]) <= 0.1
            factor = s[..., 1][colored] / start[..., 1][colored]
            assert np.ptp(factor) < 1e-9 and 0.5 <= factor[0] < 0.9
    with pytest.raises(ValueError):
        tf.image.random_hue(x, 0.7)
