// Sentence templates for the corpus generator. Private to bench/.
//
// A template is text with slots:
//   {me} {me:full} {op} {name} {name:CASE}   a person: the caller, the
//        operator/manager, or someone else; CASE is gen, dat, ins, acc (Russian),
//        gen, dat, ins, abl (Kazakh suffixes), poss (English 's), full
//   {phone} {phone:w} {iin} {bin} {iban} {card} {email} {ip} {url} {dob}
//   {idcard} {passport} {plate} {addr}        entities ({phone:w}: never spoken)
//   {order} {amount} {time} {date} {year} {track} {bad_iin} {bad_card} {n11}
//   {version} {postal} {city} {company} {bank} look-alikes (distractors)
//   {cg:a|b} {og:a|b} {g:a|b}                 words that agree with the gender
//        of the caller, the operator, or the last person written
//   <word>                                    a name used as a common word
//                                             (a distractor)
#pragma once

#include <array>
#include <vector>

#include "anonymize/entity.h"
#include "bench/corpus/corpus_generator.h"

namespace dpa::bench {

struct QaTemplate {
  const char* ask;  // the operator's question, or nullptr: the caller says it unprompted
  const char* say;  // the caller's line
};

struct TemplatePack {
  std::vector<const char*> op_open, client_open, closing, op_fill, client_fill, distract;
  std::array<std::vector<QaTemplate>, kEntityTypeCount> qa;  // by EntityType
};

// The templates for transcripts (speech-recognition style) or chats.
const TemplatePack& template_pack(Language lang, DocKind kind);

// The held-out set's templates (corpus_heldout_templates.cpp): written apart
// from the tuning set's, never one of them. Besides the slots above they use
//   {invoice} {bad_iban} {ticket} {sms} {short}  look-alikes of their own
const TemplatePack& heldout_template_pack(Language lang, DocKind kind);

}  // namespace dpa::bench
