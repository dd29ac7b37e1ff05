#include "dpa/demo_dataset.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <deque>
#include <fstream>
#include <numbers>
#include <optional>
#include <system_error>

#include "dpa/demo_text.h"
#include "dpa/error.h"

namespace dpa {
namespace {

namespace fs = std::filesystem;
using demo::Business;
using demo::Lang;
using demo::Person;
using demo::Rng;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

// How far back the data goes: long enough that some recordings are past a
// three-month retention and a terminated tenant's data is past its 30 days.
constexpr days kHistory{240};

struct TenantSpec {
  const char* id;
  const char* name;
  const char* state;
  int started_days_ago;
  std::optional<int> ends_in_days;  // relative to today; negative: already ended
  Business business;
  const char* brand;         // as the chat bot writes it
  const char* brand_spoken;  // as speech recognition writes it
  int contacts, calls, conversations;
};

const TenantSpec kTenants[] = {
    {"acme-kz", "Acme Kazakhstan LLP", "active", 700, std::nullopt, Business::kTelecom, "Acme Telecom",
     "акме телеком", 32, 50, 22},
    {"steppe-retail", "Steppe Retail JSC", "active", 200, std::nullopt, Business::kRetail, "Steppe Retail",
     "степ ритейл", 30, 36, 28},
    {"nomad-logistics", "Nomad Logistics LLP", "terminated", 600, -40, Business::kLogistics,
     "Nomad Logistics", "номад логистикс", 22, 30, 16},
    {"altyn-clinic", "Altyn Clinic LLP", "notice", 420, 10, Business::kClinic, "Altyn Clinic", "алтын клиник",
     26, 40, 18},
};

struct ContactRow {
  std::string tenant, full_name, phone, city;
  std::optional<std::string> email, iin;
  sys_seconds created;
};

struct TranscriptRow {
  std::string tenant, call_id, caller_phone, language, body;
  std::optional<std::string> caller_email, caller_iin;
  sys_seconds created;
  bool recorded = false;
  std::int64_t recording_id = 0;
};

struct ChatRow {
  std::string tenant, conversation_id, channel, direction, body;
  std::optional<std::string> sender_phone;
  sys_seconds created;
};

struct Dataset {
  std::vector<DemoTenant> tenants;
  std::vector<ContactRow> contacts;
  std::vector<TranscriptRow> transcripts;
  std::vector<ChatRow> chats;
};

std::string iso_date(sys_days d) {
  std::chrono::year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::string iso_utc(sys_seconds t) {
  sys_days d = std::chrono::floor<days>(t);
  std::chrono::hh_mm_ss hms{t - d};
  return fmt::format("{}T{:02}:{:02}:{:02}Z", iso_date(d), hms.hours().count(), hms.minutes().count(),
                     hms.seconds().count());
}

// A day in [from, to), or `from` if the range is empty.
sys_days day_in(sys_days from, sys_days to, Rng& rng) {
  auto span = (to - from).count();
  if (span <= 0) return from;
  return from + days{static_cast<int>(rng.below(static_cast<std::size_t>(span)))};
}

// Office hours in Almaty (UTC+5): 08:00 to 19:59 local.
sys_seconds office_time(sys_days day, Rng& rng) {
  return day + std::chrono::hours{rng.between(3, 14)} + std::chrono::minutes{rng.between(0, 59)} +
         std::chrono::seconds{rng.between(0, 59)};
}

Lang pick_lang(Rng& rng) {
  int r = rng.between(1, 100);
  return r <= 60 ? Lang::kRu : r <= 85 ? Lang::kKk : Lang::kEn;
}

struct Known {
  const Person* person;
  sys_days since;  // the day the contact was created
};

Dataset generate(std::uint64_t seed, sys_days today) {
  Rng rng(seed);
  demo::PersonFactory people;
  std::deque<Person> persons;  // stable addresses for Known
  Dataset out;

  // A few people are customers of two tenants: a subject request must find
  // them in each, and never mix the tenants up.
  std::vector<const Person*> shared;
  for (int i = 0; i < 4; ++i) shared.push_back(&persons.emplace_back(people.make(rng)));

  for (std::size_t ti = 0; ti < std::size(kTenants); ++ti) {
    const TenantSpec& spec = kTenants[ti];
    sys_days start = today - days{spec.started_days_ago};
    std::optional<sys_days> end;
    if (spec.ends_in_days) end = today + days{*spec.ends_in_days};
    out.tenants.push_back({spec.id, spec.name, spec.state, iso_date(start), end ? iso_date(*end) : ""});

    sys_days from = std::max(start, today - kHistory);
    sys_days to = end ? std::min(*end, today) : today;

    std::vector<Known> known;
    for (int i = 0; i < spec.contacts; ++i) {
      const Person* p = (i < 2) ? shared[(ti + static_cast<std::size_t>(i) * 2) % shared.size()]
                                : &persons.emplace_back(people.make(rng));
      sys_days day = day_in(from, to - days{14}, rng);
      ContactRow row;
      row.tenant = spec.id;
      row.full_name = demo::contact_full_name(*p, rng);
      row.phone = demo::written_phone(!p->landline.empty() && rng.percent(40) ? p->landline : p->mobile, rng);
      if (rng.percent(80)) row.email = p->email;
      if (rng.percent(70)) row.iin = p->iin;
      row.city = demo::city_name(p->city);
      row.created = office_time(day, rng);
      out.contacts.push_back(std::move(row));
      known.push_back({p, day});
    }

    auto who = [&](int known_percent) -> Known {
      if (!known.empty() && rng.percent(known_percent)) {
        const Known& k = rng.pick(known);
        return {k.person, day_in(k.since + days{1}, to, rng)};
      }
      const Person* p = &persons.emplace_back(people.make(rng));
      return {p, day_in(from, to, rng)};
    };

    for (int i = 0; i < spec.calls; ++i) {
      // The first three calls of each tenant cover the three languages, the
      // first with a phone number spoken as words, whatever the seed.
      Lang lang = i == 0 ? Lang::kRu : i == 1 ? Lang::kKk : i == 2 ? Lang::kEn : pick_lang(rng);
      Known caller = who(70);
      demo::CallContext call;
      call.caller = caller.person;
      call.lang = lang;
      call.business = spec.business;
      call.brand = spec.brand;
      call.brand_spoken = spec.brand_spoken;
      call.day = caller.since;
      call.phone_as_words = i == 0 || (lang == Lang::kRu && rng.percent(20));
      demo::Transcript t = demo::make_transcript(call, people, rng);

      TranscriptRow row;
      row.tenant = spec.id;
      row.call_id = fmt::format("CA{:016x}", rng.next());
      const Person& p = *caller.person;
      row.caller_phone = demo::caller_id(!p.landline.empty() && rng.percent(15) ? p.landline : p.mobile, rng);
      if (t.asked_email) row.caller_email = p.email;
      if (t.asked_iin) row.caller_iin = p.iin;
      row.language = std::string(demo::lang_code(lang));
      row.body = std::move(t.body);
      row.created = office_time(caller.since, rng);
      row.recorded = rng.percent(85);
      out.transcripts.push_back(std::move(row));
    }

    for (int i = 0; i < spec.conversations; ++i) {
      Lang lang = i == 0 ? Lang::kRu : i == 1 ? Lang::kKk : i == 2 ? Lang::kEn : pick_lang(rng);
      Known customer = who(60);
      const Person& p = *customer.person;
      int c = rng.between(1, 100);
      std::string channel = c <= 50 ? "whatsapp" : c <= 75 ? "instagram" : "web";
      std::optional<std::string> phone;
      std::string prefix;
      if (channel == "whatsapp") {
        phone = (rng.percent(60) ? "+7" : "7") + p.mobile;
        prefix = "wa-";
      } else if (channel == "instagram") {
        prefix = "ig-";
      } else {
        if (rng.percent(50)) phone = demo::written_phone(p.mobile, rng);
        prefix = "web-";
      }
      std::string conversation = fmt::format("{}{:012x}", prefix, rng.next() >> 16);
      demo::ChatContext chat;
      chat.customer = &p;
      chat.lang = lang;
      chat.business = spec.business;
      chat.brand = spec.brand;
      chat.day = customer.since;
      sys_seconds t = office_time(customer.since, rng);
      for (auto& line : demo::make_chat(chat, people, rng)) {
        t += std::chrono::seconds{line.delay_seconds};
        out.chats.push_back(
            {spec.id, conversation, channel, line.inbound ? "in" : "out", std::move(line.body), phone, t});
      }
    }
  }

  // Row ids grow with time, as in a live application.
  auto by_time = [](const auto& a, const auto& b) { return a.created < b.created; };
  std::stable_sort(out.contacts.begin(), out.contacts.end(), by_time);
  std::stable_sort(out.transcripts.begin(), out.transcripts.end(), by_time);
  std::stable_sort(out.chats.begin(), out.chats.end(), by_time);
  std::int64_t next_recording = 100001;
  for (auto& t : out.transcripts) {
    if (t.recorded) t.recording_id = next_recording++;
  }
  return out;
}

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& value) {
  if (value)
    st.bind(index, *value);
  else
    st.bind(index);
}

const char* const kSchema = R"sql(
CREATE TABLE tenants (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  contract_state TEXT NOT NULL CHECK (contract_state IN ('active', 'notice', 'terminated')),
  contract_start TEXT NOT NULL,
  contract_end   TEXT,
  created_at     TEXT NOT NULL
);
CREATE TABLE contacts (
  id         INTEGER PRIMARY KEY,
  tenant_id  TEXT NOT NULL,
  full_name  TEXT NOT NULL,
  phone      TEXT,
  email      TEXT,
  iin        TEXT,
  city       TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX contacts_tenant_id ON contacts (tenant_id, created_at);
CREATE INDEX contacts_created_at ON contacts (created_at);
CREATE INDEX contacts_phone ON contacts (phone);
CREATE INDEX contacts_email ON contacts (email);
CREATE INDEX contacts_iin ON contacts (iin);
CREATE TABLE transcripts (
  id           INTEGER PRIMARY KEY,
  tenant_id    TEXT NOT NULL,
  call_id      TEXT NOT NULL,
  caller_phone TEXT,
  caller_email TEXT,
  caller_iin   TEXT,
  language     TEXT NOT NULL CHECK (language IN ('ru', 'kk', 'en')),
  body         TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  recording_id INTEGER UNIQUE
);
CREATE INDEX transcripts_tenant_id ON transcripts (tenant_id, created_at);
CREATE INDEX transcripts_created_at ON transcripts (created_at);
CREATE INDEX transcripts_caller_phone ON transcripts (caller_phone);
CREATE INDEX transcripts_caller_email ON transcripts (caller_email);
CREATE INDEX transcripts_caller_iin ON transcripts (caller_iin);
CREATE TABLE chat_messages (
  id              INTEGER PRIMARY KEY,
  tenant_id       TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('whatsapp', 'instagram', 'web')),
  sender_phone    TEXT,
  direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  body            TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX chat_messages_tenant_id ON chat_messages (tenant_id, created_at);
CREATE INDEX chat_messages_created_at ON chat_messages (created_at);
CREATE INDEX chat_messages_sender_phone ON chat_messages (sender_phone);
CREATE INDEX chat_messages_conversation_id ON chat_messages (conversation_id);
)sql";

void write_database(const fs::path& path, const Dataset& data) {
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  SQLite::Transaction tx(db);
  db.exec(kSchema);

  SQLite::Statement tenant(
      db,
      "INSERT INTO tenants (id, name, contract_state, contract_start, contract_end, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& t : data.tenants) {
    tenant.bind(1, t.id);
    tenant.bind(2, t.name);
    tenant.bind(3, t.contract_state);
    tenant.bind(4, t.contract_start);
    bind_optional(tenant, 5, t.contract_end.empty() ? std::nullopt : std::optional(t.contract_end));
    tenant.bind(6, t.contract_start + "T00:00:00Z");
    tenant.exec();
    tenant.reset();
  }

  SQLite::Statement contact(
      db,
      "INSERT INTO contacts (id, tenant_id, full_name, phone, email, iin, city, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  std::int64_t id = 0;
  for (const auto& c : data.contacts) {
    contact.bind(1, ++id);
    contact.bind(2, c.tenant);
    contact.bind(3, c.full_name);
    contact.bind(4, c.phone);
    bind_optional(contact, 5, c.email);
    bind_optional(contact, 6, c.iin);
    contact.bind(7, c.city);
    contact.bind(8, iso_utc(c.created));
    contact.exec();
    contact.reset();
  }

  SQLite::Statement transcript(db,
                               "INSERT INTO transcripts (id, tenant_id, call_id, caller_phone, caller_email, "
                               "caller_iin, language, body, created_at, recording_id)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  id = 0;
  for (const auto& t : data.transcripts) {
    transcript.bind(1, ++id);
    transcript.bind(2, t.tenant);
    transcript.bind(3, t.call_id);
    transcript.bind(4, t.caller_phone);
    bind_optional(transcript, 5, t.caller_email);
    bind_optional(transcript, 6, t.caller_iin);
    transcript.bind(7, t.language);
    transcript.bind(8, t.body);
    transcript.bind(9, iso_utc(t.created));
    if (t.recorded)
      transcript.bind(10, t.recording_id);
    else
      transcript.bind(10);
    transcript.exec();
    transcript.reset();
  }

  SQLite::Statement chat(db,
                         "INSERT INTO chat_messages (id, tenant_id, conversation_id, channel, sender_phone, "
                         "direction, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  id = 0;
  for (const auto& m : data.chats) {
    chat.bind(1, ++id);
    chat.bind(2, m.tenant);
    chat.bind(3, m.conversation_id);
    chat.bind(4, m.channel);
    bind_optional(chat, 5, m.sender_phone);
    chat.bind(6, m.direction);
    chat.bind(7, m.body);
    chat.bind(8, iso_utc(m.created));
    chat.exec();
    chat.reset();
  }
  tx.commit();
}

void put_u16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>(v >> 8);
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// 0.1 to 0.3 s of a faded sine tone, 16-bit PCM, 8 kHz mono: what a
// telephony recorder writes, small enough for hundreds of files.
std::string make_wav(Rng& rng) {
  constexpr std::uint32_t kRate = 8000;
  const auto samples = static_cast<std::uint32_t>(rng.between(800, 2400));
  const double freq = 300.0 + 50.0 * rng.between(0, 14);
  const std::uint32_t data_bytes = samples * 2;
  std::string w;
  w.reserve(44 + data_bytes);
  w += "RIFF";
  put_u32(w, 36 + data_bytes);
  w += "WAVEfmt ";
  put_u32(w, 16);         // fmt chunk size
  put_u16(w, 1);          // PCM
  put_u16(w, 1);          // mono
  put_u32(w, kRate);      // sample rate
  put_u32(w, kRate * 2);  // byte rate
  put_u16(w, 2);          // block align
  put_u16(w, 16);         // bits per sample
  w += "data";
  put_u32(w, data_bytes);
  for (std::uint32_t i = 0; i < samples; ++i) {
    double fade = std::min({1.0, i / 80.0, (samples - 1 - i) / 80.0});
    double v = 8000.0 * fade * std::sin(2.0 * std::numbers::pi * freq * i / kRate);
    put_u16(w, static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(v))));
  }
  return w;
}

fs::path recording_path(const fs::path& root, const TranscriptRow& t) {
  std::chrono::year_month_day ymd{std::chrono::floor<days>(t.created)};
  return root / t.tenant / fmt::format("{:04}", static_cast<int>(ymd.year())) /
         fmt::format("{:02}", static_cast<unsigned>(ymd.month())) / fmt::format("{}.wav", t.recording_id);
}

std::string datamap_toml() {
  return R"toml([[store]]
name = "app"
kind = "sqlite"
path = "var/app.db"

[[dataset]]
name     = "contacts"
store    = "app"
table    = "contacts"
key      = "id"
category = "identification.contact"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "phone", email = "email", iin = "iin" }
text     = []

[[dataset]]
name     = "transcripts"
store    = "app"
table    = "transcripts"
key      = "id"
category = "communications.transcript"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "caller_phone", email = "caller_email", iin = "caller_iin" }
text     = ["body"]

[[dataset]]
name     = "chat_messages"
store    = "app"
table    = "chat_messages"
key      = "id"
category = "communications.chat"
tenant   = "tenant_id"
created  = "created_at"
subject  = { phone = "sender_phone" }
text     = ["body"]

[[store]]
name = "recordings"
kind = "files"
root = "var/recordings"

[[dataset]]
name     = "recordings"
store    = "recordings"
path     = "{tenant}/{yyyy}/{mm}/{id}.wav"
category = "communications.audio"
)toml";
}

// Puts the finished database in place without ever replacing one that
// appeared meanwhile (a hard link fails if the name exists; rename would not).
void publish(const fs::path& tmp, const fs::path& target) {
  std::error_code ec;
  fs::create_hard_link(tmp, target, ec);
  if (ec == std::errc::file_exists) {
    throw InputError(
        fmt::format("{} appeared while the demo data was being built; not replacing it", target.string()));
  }
  if (ec) {  // a file system without hard links
    if (fs::exists(target))
      throw InputError(fmt::format("{} already exists; not replacing it", target.string()));
    fs::rename(tmp, target);
    return;
  }
  fs::remove(tmp);
}

}  // namespace

DemoDatasetSummary build_demo_dataset(const fs::path& root, std::uint64_t seed, sys_days today) {
  const fs::path var = root / "var";
  const fs::path db_path = var / "app.db";
  const fs::path recordings = var / "recordings";
  if (fs::exists(db_path)) {
    throw InputError(
        fmt::format("{} already exists; the demo data is built only where there is none "
                    "(remove it or choose another folder)",
                    db_path.string()));
  }
  if (fs::exists(recordings) && !(fs::is_directory(recordings) && fs::is_empty(recordings))) {
    throw InputError(
        fmt::format("{} already exists and is not empty; the demo data is built only where there "
                    "is none (remove it or choose another folder)",
                    recordings.string()));
  }

  Dataset data = generate(seed, today);
  // Audio draws from its own stream so that the text stays the same if the
  // audio format changes.
  Rng audio(seed ^ 0x9e3779b97f4a7c15ULL);

  fs::create_directories(var);
  const bool made_recordings = !fs::exists(recordings);
  const fs::path tmp = var / fmt::format(".app.db.{}.tmp", ::getpid());
  std::vector<fs::path> written;
  DemoDatasetSummary summary;
  try {
    try {
      write_database(tmp, data);
    } catch (const SQLite::Exception& e) {
      throw std::runtime_error(fmt::format("cannot write the demo database {}: {}", tmp.string(), e.what()));
    }
    for (const auto& t : data.transcripts) {
      if (!t.recorded) continue;
      fs::path file = recording_path(recordings, t);
      fs::create_directories(file.parent_path());
      std::string wav = make_wav(audio);
      {
        std::ofstream f(file, std::ios::binary | std::ios::trunc);
        written.push_back(file);
        f.write(wav.data(), static_cast<std::streamsize>(wav.size()));
        f.close();
        if (!f) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
      }
      // The file's time is the call's, as if the recorder had just written it.
      fs::last_write_time(file, std::chrono::file_clock::from_sys(t.created));
      ++summary.recording_files;
      summary.recording_bytes += static_cast<std::int64_t>(wav.size());
    }
    publish(tmp, db_path);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::remove(fs::path(tmp.string() + "-journal"), ec);
    if (made_recordings) {
      fs::remove_all(recordings, ec);
    } else {
      for (const auto& f : written) fs::remove(f, ec);
    }
    throw;
  }

  summary.tenants = data.tenants;
  summary.rows_per_table = {{"tenants", static_cast<std::int64_t>(data.tenants.size())},
                            {"contacts", static_cast<std::int64_t>(data.contacts.size())},
                            {"transcripts", static_cast<std::int64_t>(data.transcripts.size())},
                            {"chat_messages", static_cast<std::int64_t>(data.chats.size())}};
  summary.datamap_toml = datamap_toml();
  return summary;
}

}  // namespace dpa
