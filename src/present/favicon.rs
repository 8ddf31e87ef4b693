//! `/favicon.ico`, drawn here: every browser asks for it on a first visit
//! (a 404 in the console otherwise), whatever the page's `<link rel=icon>`
//! says. The same picture as the theme's `static/favicon.svg` (a road to a
//! goal on the accent blue), rasterised at 32×32 with 4×4 supersampling,
//! with only IEEE arithmetic (add, multiply, compare): the same bytes on
//! every machine, no image crate, no file to keep in sync by hand.

const SIZE: usize = 32;
const SAMPLES: usize = 4;

/// Coverage of a pixel sample by the picture: (background, white).
fn sample(x: f64, y: f64) -> (bool, bool) {
    // Rounded square, radius 6.
    let r = 6.0;
    let cx = x.clamp(r, SIZE as f64 - r);
    let cy = y.clamp(r, SIZE as f64 - r);
    let inside = (x - cx).powi(2) + (y - cy).powi(2) <= r * r;
    if !inside {
        return (false, false);
    }
    // The road: the cubic from (7,25) via (7,15) and (25,19) to (25,8), 4 wide.
    let mut near = false;
    for i in 0..=64 {
        let t = i as f64 / 64.0;
        let u = 1.0 - t;
        let px =
            u * u * u * 7.0 + 3.0 * u * u * t * 7.0 + 3.0 * u * t * t * 25.0 + t * t * t * 25.0;
        let py =
            u * u * u * 25.0 + 3.0 * u * u * t * 15.0 + 3.0 * u * t * t * 19.0 + t * t * t * 8.0;
        if (x - px).powi(2) + (y - py).powi(2) <= 4.0 {
            near = true;
            break;
        }
    }
    // The goal: a dot of radius 3.5 at (25,8).
    let dot = (x - 25.0).powi(2) + (y - 8.0).powi(2) <= 3.5 * 3.5;
    (true, near || dot)
}

/// The icon's pixels, top row first, as (blue, green, red, alpha).
fn pixels() -> Vec<[u8; 4]> {
    let accent = [0x94u32, 0x53, 0x0b]; // #0b5394 as B, G, R
    let mut out = Vec::with_capacity(SIZE * SIZE);
    for py in 0..SIZE {
        for px in 0..SIZE {
            let (mut bg, mut white) = (0u32, 0u32);
            for sy in 0..SAMPLES {
                for sx in 0..SAMPLES {
                    let x = px as f64 + (sx as f64 + 0.5) / SAMPLES as f64;
                    let y = py as f64 + (sy as f64 + 0.5) / SAMPLES as f64;
                    let (b, w) = sample(x, y);
                    bg += u32::from(b);
                    white += u32::from(w);
                }
            }
            let n = (SAMPLES * SAMPLES) as u32;
            if bg == 0 {
                out.push([0, 0, 0, 0]);
                continue;
            }
            // White over blue, by the share of white samples among covered ones.
            let mix = |c: u32| ((c * (bg - white) + 255 * white) / bg) as u8;
            out.push([
                mix(accent[0]),
                mix(accent[1]),
                mix(accent[2]),
                (255 * bg / n) as u8,
            ]);
        }
    }
    out
}

/// The `.ico` file: one 32×32 image, 32-bit BGRA bitmap with its AND mask.
pub(crate) fn ico() -> Vec<u8> {
    let px = pixels();
    let mask_row = SIZE.div_ceil(32) * 4;
    let image_len = 40 + SIZE * SIZE * 4 + mask_row * SIZE;
    let mut out = Vec::with_capacity(6 + 16 + image_len);
    // ICONDIR: reserved, type 1 (icon), one image.
    out.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
    // ICONDIRENTRY: width, height, colours, reserved, planes, bits, size, offset.
    out.extend_from_slice(&[SIZE as u8, SIZE as u8, 0, 0, 1, 0, 32, 0]);
    out.extend_from_slice(&(image_len as u32).to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes());
    // BITMAPINFOHEADER: the height counts the colour rows and the mask's.
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(SIZE as i32).to_le_bytes());
    out.extend_from_slice(&(2 * SIZE as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&32u16.to_le_bytes());
    out.extend_from_slice(&[0; 24]);
    // Rows bottom-up.
    for row in (0..SIZE).rev() {
        for p in &px[row * SIZE..(row + 1) * SIZE] {
            out.extend_from_slice(p);
        }
    }
    // AND mask: all zero, the alpha channel decides.
    out.extend(std::iter::repeat_n(0u8, mask_row * SIZE));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_well_formed_32px_ico_and_always_the_same() {
        let a = ico();
        assert_eq!(a, ico(), "deterministic");
        assert_eq!(&a[..6], &[0, 0, 1, 0, 1, 0]);
        let len = u32::from_le_bytes(a[14..18].try_into().unwrap()) as usize;
        let offset = u32::from_le_bytes(a[18..22].try_into().unwrap()) as usize;
        assert_eq!(offset + len, a.len());
        assert_eq!(len, 40 + 32 * 32 * 4 + 4 * 32);
        let px = pixels();
        // Corners are outside the rounded square; the middle of the left
        // edge is blue; the goal dot is white.
        assert_eq!(px[0][3], 0);
        assert_eq!(px[16 * 32 + 1], [0x94, 0x53, 0x0b, 255]);
        assert_eq!(px[8 * 32 + 25], [255, 255, 255, 255]);
    }
}
