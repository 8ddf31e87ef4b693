//! Alphabetical order as each language's readers expect it, from the
//! Unicode Collation Algorithm with CLDR's tailorings (ICU4X, compiled data
//! in the binary). Vietnamese is the reason: its order (a ă â b c d đ e ê
//! … o ô ơ … u ư …, tone marks compared after the letters) is neither code
//! point order, where "Đ" sorts after "Z" and "Ủy" after "Uỷ", nor English
//! order; a hand-written table would get the tones and the stacked
//! diacritics wrong.

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu_locale_core::Locale;
use std::cmp::Ordering;

/// A language's collation. A language CLDR has no tailoring for (or a tag
/// that is not a locale) gets the root order, which is still the UCA's.
pub(crate) struct Collation(CollatorBorrowed<'static>);

impl Collation {
    pub(crate) fn new(lang: &str) -> Collation {
        let prefs = Locale::try_from_str(lang)
            .map(|l| CollatorPreferences::from(&l))
            .unwrap_or_default();
        let collator = Collator::try_new(prefs, CollatorOptions::default())
            .or_else(|_| {
                Collator::try_new(CollatorPreferences::default(), CollatorOptions::default())
            })
            .expect("the root collation is compiled in");
        Collation(collator)
    }

    pub(crate) fn compare(&self, a: &str, b: &str) -> Ordering {
        self.0.compare(a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(lang: &str, words: &[&str]) -> Vec<String> {
        let c = Collation::new(lang);
        let mut v: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| c.compare(a, b));
        v
    }

    #[test]
    fn vietnamese_letters_and_tones_sort_as_in_a_dictionary() {
        // đ after d (not after z), ă and â after a, ơ after ô, ư after u.
        assert_eq!(
            sorted(
                "vi",
                &[
                    "Đà Nẵng",
                    "Zalo",
                    "Dân",
                    "Ăn",
                    "Ân",
                    "An",
                    "Ơn",
                    "Ôn",
                    "On",
                    "Ưu",
                    "Uy"
                ]
            ),
            [
                "An",
                "Ăn",
                "Ân",
                "Dân",
                "Đà Nẵng",
                "On",
                "Ôn",
                "Ơn",
                "Uy",
                "Ưu",
                "Zalo"
            ]
        );
        // Agencies of the shipped site: "Bộ Y tế" before "Bộ Tư pháp" in
        // neither language's code points, but Bộ C…, Bộ Đ…, Bộ N…, Bộ T…, Bộ Y….
        assert_eq!(
            sorted(
                "vi",
                &[
                    "Bộ Y tế",
                    "Bộ Tư pháp",
                    "Bộ Công an",
                    "Bộ Ngoại giao",
                    "Bộ Quốc phòng",
                    "Bộ Giáo dục và Đào tạo"
                ]
            ),
            [
                "Bộ Công an",
                "Bộ Giáo dục và Đào tạo",
                "Bộ Ngoại giao",
                "Bộ Quốc phòng",
                "Bộ Tư pháp",
                "Bộ Y tế"
            ]
        );
        // Tones are compared after the letters: "ba" < "bà" < "bác" (base letters first).
        assert_eq!(sorted("vi", &["bác", "bà", "ba"]), ["ba", "bà", "bác"]);
        // Code point order would put "Đ" after "Z": the collation must not.
        let c = Collation::new("vi");
        assert_eq!(c.compare("Đ", "Z"), Ordering::Less);
        assert_eq!(c.compare("Đ", "D"), Ordering::Greater);
    }

    #[test]
    fn english_ignores_case_first_and_an_unknown_tag_still_sorts() {
        assert_eq!(
            sorted("en", &["ministry", "Office", "Ministry", "agency"]),
            ["agency", "ministry", "Ministry", "Office"]
        );
        assert_eq!(sorted("not a tag!", &["b", "A"]), ["A", "b"]);
    }
}
