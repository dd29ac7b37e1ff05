// A labelled, synthetic evaluation corpus for the pseudonymizer.
//
// Documents are call transcripts in speech-recognition style (lower case, no
// punctuation, numbers sometimes spoken as words, "оператор: ... клиент: ...")
// and chat messages (WhatsApp/Telegram/Instagram style, normal case, emoji,
// typos) in Russian, Kazakh and English. Every entity the generator writes is
// labelled with its byte span and type; look-alikes that must NOT be found
// (amounts, order numbers, times, IINs with a wrong check digit, version
// strings, names used as common words ...) are recorded as distractors, which
// are not entities and exist only so errors can be explained.
//
// Independence: the generator has its own small name, street and number-word
// lists and never reads the detector's dictionaries, so the benchmark measures
// the detector rather than agreeing with it. It includes rare names that no
// dictionary is likely to hold.
//
// Determinism: document i of seed s depends only on (s, i); the random source
// is std::mt19937_64 with hand-written reductions (no std::*_distribution,
// whose output differs between standard libraries).
//
// Label conventions (what a gold span covers):
//  - the entity's own characters, no cue ("ИИН 850312300457" → the digits);
//  - a phone/IIN spoken as words covers the first to the last number word,
//    "плюс"/"plus" included;
//  - a person is one span over the adjacent name words (first, patronymic,
//    surname), in whatever case form or with whatever Kazakh suffix the
//    sentence gives it ("Айгүлге", "с Анной Петровой" → "Анной Петровой");
//    titles (Mr.) and the English possessive 's are outside;
//  - an address covers street type, name, house and flat ("ул. Абая 15, кв. 3");
//  - a date of birth covers the date, not "года"/"жылы" after it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "anonymize/entity.h"

namespace dpa::bench {

using anonymize::EntityType;
using anonymize::kEntityTypeCount;

enum class DocKind : std::uint8_t { kTranscript, kChat };
enum class Language : std::uint8_t { kRussian, kKazakh, kEnglish };

// How an entity is written. Only phones and IINs are ever spoken.
enum class Form : std::uint8_t {
  kWritten,  // digits and symbols as typed or as the recognizer printed them
  kSpoken,   // every digit a word ("восемь семьсот один ...")
  kMixed,    // words and digit groups together ("восемь 701 сто двадцать три 45 67")
};

struct GoldSpan {
  std::size_t begin = 0;  // byte offsets in the document, [begin, end)
  std::size_t end = 0;
  EntityType type = EntityType::kPerson;
  Form form = Form::kWritten;
  // Which written form the generator chose, for error analysis:
  // "phone.kz_mobile.paren", "person.ru.cue", "iin.words.pairs" ... Static.
  std::string_view variant;
  // The canonical value where one exists: phones as 11 digits (77011234567),
  // IIN/BIN/card/ID card as bare digits, IBAN upper-case without spaces,
  // e-mail lower-case. Empty for other types.
  std::string value;
  // A person name the generator took from its "rare" list: likely outside
  // any dictionary.
  bool rare = false;

  std::size_t length() const { return end - begin; }
};

struct DistractorSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string_view kind;  // "amount", "iin_bad_check", "common_word" ... Static.
};

struct CorpusDocument {
  std::string text;  // valid UTF-8, no blank lines inside
  DocKind kind = DocKind::kTranscript;
  Language language = Language::kRussian;
  std::vector<GoldSpan> entities;           // sorted by begin, non-overlapping
  std::vector<DistractorSpan> distractors;  // sorted by begin
};

// The spelling the detector uses in tags ("PERSON", "PHONE", "IP", ...),
// repeated here so the generator does not need the detector's library.
std::string_view type_label(EntityType t);
std::string_view kind_name(DocKind k);          // "transcript", "chat"
std::string_view language_code(Language l);     // "ru", "kk", "en"
std::string_view form_name(Form f);             // "written", "spoken", "mixed"

// Which set. The recognizers were tuned against the tuning set, so its
// figures are optimistic. The held-out set shares none of its sentence
// templates and none of its person names (corpus_heldout_names.h), and adds
// look-alikes of its own (invoice numbers, IBANs with bad check digits,
// ticket numbers, SMS codes, short service numbers): it must never be used
// to tune a recognizer, only to measure one.
enum class CorpusSplit : std::uint8_t { kTuning, kHeldOut };
std::string_view split_name(CorpusSplit s);  // "tuning", "held-out"

// Document `index` of the corpus for `seed`.
CorpusDocument generate_document(std::uint64_t seed, std::size_t index, CorpusSplit split = CorpusSplit::kTuning);

// Documents 0 .. docs-1.
std::vector<CorpusDocument> generate_corpus(std::uint64_t seed, std::size_t docs,
                                            CorpusSplit split = CorpusSplit::kTuning);

// Unlabelled text for throughput runs: documents separated by a blank line,
// until at least `bytes` bytes (it may exceed by one document).
std::string generate_text(std::uint64_t seed, std::size_t bytes);

struct CorpusStats {
  std::size_t documents = 0;
  std::size_t bytes = 0;
  std::array<std::size_t, kEntityTypeCount> entities{};   // per type
  std::array<std::size_t, 3> forms{};                      // per Form
  std::size_t spoken_phone = 0, spoken_iin = 0;            // kSpoken or kMixed
  std::size_t rare_persons = 0;
  std::vector<std::pair<std::string, std::size_t>> distractors;  // per kind, sorted
  std::array<std::size_t, 2> per_kind{};                   // per DocKind
  std::array<std::size_t, 3> per_language{};               // per Language
};
CorpusStats corpus_stats(const std::vector<CorpusDocument>& docs);
std::string format_stats(const CorpusStats& s);

// Separator between documents in corpus.txt (documents hold no blank line).
inline constexpr std::string_view kDocumentSeparator = "\n\n";

// One labels.jsonl line (no trailing newline): {"doc":i,"offset":o,"length":n,
// "kind":..,"lang":..,"entities":[{"begin","end","type","form","variant",
// "value","rare","text"}],"distractors":[{"begin","end","kind","text"}]};
// begin/end are relative to the document, `offset` is where the document
// starts in corpus.txt.
std::string label_line(const CorpusDocument& doc, std::size_t index, std::size_t offset);

// Writes DIR/corpus.txt and DIR/labels.jsonl; creates DIR. Throws on I/O error.
void write_corpus(const std::filesystem::path& dir, const std::vector<CorpusDocument>& docs);

}  // namespace dpa::bench
