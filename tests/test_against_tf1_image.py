"""More of tf.image through tf0 and TensorFlow's compat.v1: values and gradients of the
composites, non-maximum suppression and the PNG codec (skipped without TensorFlow)."""
import numpy as np

from tf1_reference import assert_close, both

RNG = np.random.default_rng(71)


def test_image_composites_match_with_gradients():
    batch = RNG.uniform(0, 1, (2, 9, 8, 3))
    other = np.clip(batch + RNG.normal(0, 0.1, batch.shape), 0, 1)
    boxes = np.array([[0.1, 0.2, 0.8, 0.9], [0.5, -0.2, 1.3, 0.6], [0.0, 0.0, 1.0, 1.0]])

    def program(tf):
        x, y = tf.constant(batch, tf.float32), tf.constant(other, tf.float32)
        im = tf.image
        outs = [im.rot90(x[0], 1), im.rot90(x[0], 2), im.rot90(x[0], 3), im.transpose(x),
                im.adjust_gamma(x, 2.2, 0.8),
                im.adjust_gamma(tf.cast(x * 255.0, tf.uint8), 0.5),
                im.total_variation(x), im.total_variation(x[0]),
                *im.image_gradients(x), im.sobel_edges(x),
                im.psnr(x, y, 1.0), im.ssim(x, y, 1.0, filter_size=5),
                im.rgb_to_yiq(x), im.yiq_to_rgb(x), im.rgb_to_yuv(x), im.yuv_to_rgb(x),
                tf.extract_image_patches(x, [1, 3, 2, 1], [1, 2, 2, 1], [1, 1, 2, 1], "SAME"),
                tf.extract_image_patches(x, [1, 2, 2, 1], [1, 3, 1, 1], [1, 1, 1, 1], "VALID"),
                im.crop_and_resize(x, boxes, [0, 1, 1], [4, 5]),
                im.crop_and_resize(x, boxes, [1, 0, 0], [1, 3], method="nearest",
                                   extrapolation_value=-1.0)]
        floats = [o for o in outs if o.dtype == tf.float32]
        loss = tf.add_n([tf.reduce_sum(o * o) for o in floats])
        return outs + tf.gradients(loss, [x, y]), None
    (ours, _), (theirs, _) = both(program)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert np.asarray(a).dtype == np.asarray(b).dtype, k
        scale = max(1.0, float(np.max(np.abs(b))))  # float32 sums of terms up to 1e3
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5 * scale, err_msg=str(k))


def test_non_max_suppression_and_png_match():
    boxes = RNG.uniform(0, 1, (30, 4)).astype(np.float32)
    scores = RNG.uniform(0, 1, 30).astype(np.float32)
    image = RNG.integers(0, 256, (5, 7, 3)).astype(np.uint8)

    def program(tf):
        im = tf.image
        png = im.encode_png(tf.constant(image))
        return [im.non_max_suppression(boxes, scores, 10, 0.3),
                im.non_max_suppression(boxes, scores, 30, 0.5, score_threshold=0.4),
                im.decode_png(png), im.decode_png(png, channels=1),
                im.decode_png(png, channels=4)], None
    (ours, _), (theirs, _) = both(program)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_array_equal(a, b, err_msg=str(k))


def test_bicubic_and_area_resizing_match_with_gradients():
    batch = RNG.uniform(0, 1, (2, 7, 9, 3)).astype(np.float32)

    def program(tf):
        x = tf.constant(batch)
        im = tf.image
        outs = [im.resize_bicubic(x, [11, 5]), im.resize_bicubic(x, [4, 13], align_corners=True),
                im.resize_area(x, [3, 4]), im.resize_area(x, [10, 12]),
                im.resize_images(x, [5, 5], method=im.ResizeMethod.BICUBIC),
                im.resize_images(x, [5, 6], method=im.ResizeMethod.AREA)]
        return outs + tf.gradients(tf.add_n([tf.reduce_sum(o * o) for o in outs[:2]]), [x]), \
            None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-4, atol=1e-5)


def test_drawn_bounding_boxes_match():
    images = RNG.uniform(0, 1, (2, 9, 11, 3)).astype(np.float32)
    boxes = np.array([[[0.1, 0.2, 0.7, 0.9], [0.0, 0.0, 1.0, 1.0]],
                      [[0.5, 0.5, 0.6, 0.55], [-0.2, 0.3, 0.4, 1.3]]], np.float32)

    def program(tf):
        return [tf.image.draw_bounding_boxes(images, boxes),
                tf.image.draw_bounding_boxes(images[:, :, :, :1], boxes)], None
    (ours, _), (theirs, _) = both(program)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_resize_image_with_pad_matches():
    image = RNG.uniform(0, 1, (7, 10, 3)).astype(np.float32)

    def program(tf):
        x = tf.constant(image)
        return [tf.image.resize_image_with_pad(x, 12, 12),
                tf.image.resize_image_with_pad(x, 5, 9,
                                               method=tf.image.ResizeMethod.NEAREST_NEIGHBOR),
                tf.image.resize_image_with_pad(tf.stack([x, x * 0.5]), 7, 20),
                tf.image.resize_image_with_pad(x, 3, 3, method=tf.image.ResizeMethod.AREA)], None
    (ours, _), (theirs, _) = both(program)
    assert_close(ours, theirs, rtol=1e-5, atol=1e-6)
