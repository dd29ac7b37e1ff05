// Sentence templates of the held-out set. Written apart from
// corpus_templates.cpp, in other settings (a clinic, a courier, a bank's
// loan desk, a taxi service, an insurer, a utility, a telecom shop) and with
// other phrasings, so that a recognizer tuned on the tuning set meets
// contexts it has never seen. Never copy a template between the two files:
// tests/anonymize/corpus_generator_test.cpp checks that they share none.
#include "bench/corpus/corpus_templates.h"

namespace dpa::bench {
namespace {

using T = EntityType;

void add(TemplatePack& p, T type, std::vector<QaTemplate> lines) {
  auto& v = p.qa[static_cast<int>(type)];
  v.insert(v.end(), lines.begin(), lines.end());
}

TemplatePack ru_transcript() {
  TemplatePack p;
  p.op_open = {"регистратура клиники {company} добрый день {op} на связи",
               "курьерская служба {company} слушаю вас говорите",
               "кредитный отдел {company} меня зовут {op} по какому вопросу",
               "такси {company} диспетчер {op} здравствуйте"};
  p.client_open = {"алло девушка здравствуйте я хочу записаться к врачу",
                   "да добрый вечер это {me} беспокоит по поводу посылки",
                   "здрасьте мне смс пришло что кредит одобрен",
                   "алло слышно меня это {me:full} звоню насчёт страховки"};
  p.closing = {"всё записала ждём вас", "курьер с вами свяжется за час до приезда",
               "если будут вопросы звоните", "спасибо что выбрали нас до связи"};
  p.op_fill = {"так секундочку открываю карточку", "ага записываю", "угу вижу заявку в обработке",
               "одну минутку не кладите трубку", "повторите пожалуйста последнюю цифру",
               "связь прерывается вы меня слышите"};
  p.client_fill = {"ага", "ну", "да да", "минутку достану документы", "щас гляну",
                   "а это долго", "понял понял", "можно побыстрее а то я за рулём"};
  p.distract = {"мне выставили счёт-фактуру номер {invoice}",
                "в платёжке стоит айбан {bad_iban} но банк его не принимает",
                "номер обращения {ticket}",
                "пришёл код {sms} а дальше что",
                "я звонил{cg:|а} на короткий номер {short} никто не отвечает",
                "посылка весит два килограмма трек {track}",
                "вы списали {amount} вместо {amount}",
                "запись на {time} {date}",
                "кредит на {year} год под восемнадцать процентов",
                "номер накладной {order}",
                "старый договор был {bad_iin}",
                "карта {bad_card} не проходит",
                "мой <лев> по гороскопу не любит ждать",
                "у нас <роза> на подоконнике зацвела",
                "<мирас> так называется наш жилой комплекс"};
  add(p, T::kPhone, {{"по какому номеру с вами связаться", "лучше по {phone} после обеда"},
                     {"курьеру какой номер оставить", "оставьте {phone} это сосед"},
                     {"номер телефона пациента", "записывайте {phone}"},
                     {nullptr, "если не дозвонитесь наберите жену {phone}"},
                     {nullptr, "мой номер поменялся теперь {phone}"}});
  add(p, T::kIin, {{"для записи нужен иин пациента", "иин ребёнка {iin}"},
                   {"скажите иин заёмщика", "так {iin} вроде"},
                   {nullptr, "иин у меня {iin} проверьте пожалуйста"},
                   {"иин страхователя", "{iin} это мой"}});
  add(p, T::kBin, {{"бин работодателя", "бин {bin} тоо {company}"},
                   {nullptr, "оплата шла от ип бин {bin}"}});
  add(p, T::kIban, {{"куда перечислить страховую выплату", "на иик {iban}"},
                    {nullptr, "зарплата приходит на {iban} в {bank}"}});
  add(p, T::kCard, {{"на какую карту оформить возврат", "на вот эту {card}"},
                    {nullptr, "деньги сняли с карты {card} дважды"}});
  add(p, T::kEmail, {{"куда прислать результаты анализов", "на {email} пожалуйста"},
                     {nullptr, "квитанцию продублируйте на {email}"}});
  add(p, T::kIpAddress, {{"какой адрес показывает роутер", "пишет {ip}"},
                         {nullptr, "личный кабинет заблокировали с адреса {ip}"}});
  add(p, T::kUrl, {{"где вы увидели объявление", "по ссылке {url}"},
                   {nullptr, "мою страницу можно найти {url}"}});
  add(p, T::kDateOfBirth, {{"год и дата рождения пациента", "{dob}"},
                           {nullptr, "ребёнок родился {dob}"}});
  add(p, T::kIdCard, {{"номер удостоверения заёмщика", "{idcard} выдано мвд"},
                      {nullptr, "удостоверение у меня {idcard}"}});
  add(p, T::kPassport, {{"для выезда нужен паспорт", "паспорт номер {passport}"},
                        {nullptr, "загранпаспорт {passport} действует до следующего года"}});
  add(p, T::kVehiclePlate, {{"какая машина попала в дтп", "моя {plate} серый спортейдж"},
                            {nullptr, "такси приехало {plate} а водитель другой"}});
  add(p, T::kAddress, {{"куда доставить посылку", "на {addr} третий подъезд"},
                       {nullptr, "счётчик стоит по адресу {addr}"}});
  add(p, T::kPerson, {{"кто будет получать посылку", "получать будет {name}"},
                      {"к какому врачу записать", "к терапевту {name:dat}"},
                      {"на чьё имя полис", "на {name:acc} это моя тёща"},
                      {nullptr, "водитель {name} нагрубил мне"},
                      {nullptr, "вчера я общал{cg:ся|ась} с менеджером {name:ins} она обещала перезвонить"},
                      {nullptr, "запишите меня {me:full}"},
                      {nullptr, "доверенность на {name:acc} есть"},
                      {nullptr, "поручитель {name} номер {phone}"}});
  return p;
}

TemplatePack ru_chat() {
  TemplatePack p;
  p.op_open = {"Добрый вечер! Служба доставки {company}, {op} на связи 🚚",
               "Здравствуйте 👋 Клиника {company}, администратор {op}",
               "Приветствуем! Отдел кредитования {company}"};
  p.client_open = {"Добрый вечер, подскажите по посылке", "Здравствуйте, я {me}, записывалась на приём",
                   "Здрасте)", "Доброе утро! Вопрос по кредиту", "Алло, вы тут?"};
  p.closing = {"Хорошего вечера!", "Ждём вас на приёме 🙂", "Курьер напишет перед выездом",
               "Если что — пишите сюда же"};
  p.op_fill = {"Проверяю статус, минутку", "Передала врачу", "Сейчас уточню у склада",
               "Вижу ваше обращение", "Извините, у нас сбой системы"};
  p.client_fill = {"Ок, спс", "Жду", "А можно на завтра?", "Это долго?", "Ааа понятно",
                   "Не удобно сейчас говорить", "Спасибки 😊", "Скиньте ссылку на оплату"};
  p.distract = {"Счёт-фактура № {invoice} от {date}", "IBAN {bad_iban} — банк пишет ошибка",
                "Номер обращения {ticket}", "Код из смс: {sms}", "Звоню на {short}, занято",
                "Трек {track}, статус не меняется", "К оплате {amount}", "Приём в {time}",
                "Кредит до {year} года", "Накладная {order}", "Договор № {bad_iin}",
                "Карта {bad_card} отклонена", "Версия приложения {version}",
                "У нас в ЖК <Мирас> нет шлагбаума", "Букет <Роза> ветров, 25 штук 🌹"};
  add(p, T::kPhone, {{"Номер для курьера?", "{phone}, позвоните за час"},
                     {"Укажите телефон пациента", "Телефон мамы {phone}"},
                     {nullptr, "Наберите меня {phone}, тут удобнее"}});
  add(p, T::kIin, {{"ИИН заёмщика, пожалуйста", "{iin}"},
                   {nullptr, "Мой ИИН {iin}, проверьте анкету"},
                   {"Пришлите ИИН ребёнка", "ИИН ребёнка — {iin}"}});
  add(p, T::kBin, {{"БИН работодателя?", "{bin}, ТОО {company}"}, {nullptr, "Платёж от ИП, БИН {bin}"}});
  add(p, T::kIban, {{"Куда вернуть предоплату?", "IBAN {iban}, {bank}"}, {nullptr, "Реквизиты: {iban}"}});
  add(p, T::kCard, {{"Последние цифры не видно, напишите карту целиком", "{card}"},
                    {nullptr, "Верните на {card}, пожалуйста"}});
  add(p, T::kEmail, {{"Почта для выписки?", "{email}"}, {nullptr, "Результаты пришлите на {email} 🙏"}});
  add(p, T::kIpAddress, {{"Какой IP в настройках?", "{ip}"}, {nullptr, "Вход с {ip} был не мой"}});
  add(p, T::kUrl, {{"Откуда узнали о нас?", "Вот отсюда {url}"}, {nullptr, "Мой профиль {url}"}});
  add(p, T::kDateOfBirth, {{"Дата рождения пациента?", "{dob}"}, {nullptr, "Я {dob} г.р."}});
  add(p, T::kIdCard, {{"Номер удостоверения?", "{idcard}"}, {nullptr, "Удостоверение {idcard}, фото скину"}});
  add(p, T::kPassport, {{"Паспорт для полиса?", "{passport}"}});
  add(p, T::kVehiclePlate, {{"Номер авто для пропуска?", "{plate}"}, {nullptr, "Водитель на {plate} не приехал"}});
  add(p, T::kAddress, {{"Адрес доставки?", "{addr}, код домофона 45"}, {nullptr, "Живу на {addr}"}});
  add(p, T::kPerson, {{"Кто получатель?", "{name}"},
                      {"На кого записать?", "На {name:acc}, это моя мама"},
                      {nullptr, "Передайте {name:dat}, что анализы готовы"},
                      {nullptr, "Курьер {name} был очень вежлив 👍"},
                      {nullptr, "Я уже переписывал{cg:ся|ась} с {name:ins}"},
                      {nullptr, "ФИО полностью: {me:full}"}});
  return p;
}

TemplatePack kk_transcript() {
  TemplatePack p;
  p.op_open = {"{company} емханасы тіркеу бөлімі {op} тыңдап тұрмын",
               "курьерлік қызмет {company} сәлеметсіз бе",
               "несие бөлімі {op} сізді тыңдап тұр"};
  p.client_open = {"алло сәлеметсіз бе дәрігерге жазылайын деп едім",
                   "сәлеметсіз бе бұл {me} сәлемдемем туралы",
                   "қайырлы кеш несие жайында сұрағым бар"};
  p.closing = {"жазып қойдым күтеміз", "курьер жолға шықпас бұрын хабарласады",
               "сұрақтарыңыз болса хабарласыңыз"};
  p.op_fill = {"бір секунд карточкаңызды ашып жатырмын", "иә жазып жатырмын", "өтінішіңіз қаралуда",
               "соңғы санды қайталаңызшы"};
  p.client_fill = {"иә иә", "жарайды", "қазір құжатты алайын", "ұзаққа созыла ма", "түсінікті"};
  p.distract = {"шот-фактура нөмірі {invoice}", "төлемдегі айбан {bad_iban} банк қабылдамайды",
                "өтініш нөмірі {ticket}", "смс код келді {sms}", "қысқа нөмірге {short} хабарластым",
                "сәлемдеме трегі {track}", "{amount} артық алыныпты", "қабылдау {time} {date}",
                "несие {year} жылға дейін", "жүкқұжат {order}", "ескі шарт {bad_iin}",
                "карта {bad_card} өтпей жатыр", "біздің үйдің жанында <ақбота> деген дүкен бар"};
  add(p, T::kPhone, {{"қай нөмір арқылы хабарласайық", "{phone} түстен кейін"},
                     {nullptr, "әйелімнің нөмірі {phone}"},
                     {"курьерге қай нөмірді берейік", "{phone} беріңіз"}});
  add(p, T::kIin, {{"науқастың жсн", "баламның жсн {iin}"},
                   {nullptr, "жсн {iin} тексеріп жіберіңізші"},
                   {"қарыз алушының иин нөмірі", "{iin}"}});
  add(p, T::kBin, {{"жұмыс берушінің бсн", "{bin}"}});
  add(p, T::kIban, {{"сақтандыру төлемін қайда аударамыз", "{iban} шотына"}});
  add(p, T::kCard, {{"ақшаны қай картаға қайтарайық", "мына картаға {card}"}});
  add(p, T::kEmail, {{"талдау нәтижесін қайда жібереміз", "{email} адресіне"}});
  add(p, T::kIpAddress, {{"роутер қай адресті көрсетеді", "{ip} деп тұр"}});
  add(p, T::kUrl, {{"хабарландыруды қайдан көрдіңіз", "мына сілтемеден {url}"}});
  add(p, T::kDateOfBirth, {{"науқастың туған күні", "{dob}"}, {nullptr, "балам {dob} туған"}});
  add(p, T::kIdCard, {{"куәлік нөмірі қандай", "{idcard}"}});
  add(p, T::kPassport, {{"шетелдік төлқұжат нөмірі", "{passport}"}});
  add(p, T::kVehiclePlate, {{"қай көлік соқтығысты", "менің көлігім {plate}"}});
  add(p, T::kAddress, {{"сәлемдемені қайда жеткіземіз", "{addr} үшінші подъезд"}});
  add(p, T::kPerson, {{"сәлемдемені кім алады", "{name} алады"},
                      {"қай дәрігерге жазайын", "терапевт {name:dat}"},
                      {nullptr, "жүргізуші {name} дөрекі сөйледі"},
                      {nullptr, "кеше менеджер {name:ins} сөйлестім"},
                      {nullptr, "толық аты-жөнім {me:full}"},
                      {nullptr, "кепіл болушы {name:gen} нөмірі {phone}"}});
  return p;
}

TemplatePack kk_chat() {
  TemplatePack p;
  p.op_open = {"Қайырлы кеш! {company} жеткізу қызметі, {op} 🚚", "Сәлеметсіз бе! {company} емханасы"};
  p.client_open = {"Сәлеметсіз бе, сәлемдеме туралы", "Қайырлы таң! Несие жайында сұрақ", "Сәлем)"};
  p.closing = {"Қабылдауда күтеміз 🙂", "Курьер жолға шықпас бұрын жазады", "Жақсы кеш тілейміз!"};
  p.op_fill = {"Күйін тексеріп жатырмын", "Дәрігерге жібердім", "Қоймадан сұрап көрейін"};
  p.client_fill = {"Жарайды, рахмет", "Күте тұрамын", "Ертеңге болады ма?", "Ұзаққа ма?", "Рахмет 😊"};
  p.distract = {"Шот-фактура № {invoice}", "IBAN {bad_iban} — банк қате дейді", "Өтініш нөмірі {ticket}",
                "СМС код: {sms}", "{short} нөміріне хабарластым", "Трек {track}", "Төлем {amount}",
                "Қабылдау {time}", "Несие {year} жылға дейін", "Жүкқұжат {order}", "Шарт № {bad_iin}",
                "Карта {bad_card} қабылданбады"};
  add(p, T::kPhone, {{"Курьерге нөмір?", "{phone}"}, {nullptr, "Маған {phone} нөміріне хабарласыңыз"}});
  add(p, T::kIin, {{"Қарыз алушының ЖСН?", "{iin}"}, {nullptr, "ЖСН {iin}, анкетаны тексеріңіз"}});
  add(p, T::kBin, {{"Жұмыс берушінің БСН?", "{bin}"}});
  add(p, T::kIban, {{"Алдын ала төлемді қайда қайтарамыз?", "IBAN {iban}"}});
  add(p, T::kCard, {{"Картаның толық нөмірі?", "{card}"}});
  add(p, T::kEmail, {{"Үзінді көшірме қай поштаға?", "{email}"}});
  add(p, T::kIpAddress, {{"Баптаудағы IP қандай?", "{ip}"}});
  add(p, T::kUrl, {{"Бізді қайдан білдіңіз?", "{url}"}});
  add(p, T::kDateOfBirth, {{"Туған күні?", "{dob}"}});
  add(p, T::kIdCard, {{"Куәлік нөмірі?", "{idcard}"}});
  add(p, T::kPassport, {{"Төлқұжат нөмірі?", "{passport}"}});
  add(p, T::kVehiclePlate, {{"Рұқсатнамаға көлік нөмірі?", "{plate}"}});
  add(p, T::kAddress, {{"Курьер қай мекенжайға барады?", "{addr}"}});
  add(p, T::kPerson, {{"Алушы кім?", "{name}"},
                      {nullptr, "{name:dat} айтыңызшы, талдаулар дайын"},
                      {nullptr, "Курьер {name} өте сыпайы болды 👍"},
                      {nullptr, "Аты-жөнім: {me:full}"}});
  return p;
}

TemplatePack en_transcript() {
  TemplatePack p;
  p.op_open = {"you've reached the front desk at {company} clinic {op} speaking",
               "{company} courier dispatch go ahead", "loans department {op} how can i help"};
  p.client_open = {"hey there i'd like to book an appointment", "hi it's {me} about a parcel",
                   "evening i got a text saying my loan was approved"};
  p.closing = {"you're all booked in see you then", "the courier will ring an hour before",
               "anything else just call us back"};
  p.op_fill = {"bear with me", "okay pulling up your file", "sorry you cut out there",
               "can you say the last digit again"};
  p.client_fill = {"yep", "mm hmm", "hang on let me grab the papers", "is that gonna take long", "cool"};
  p.distract = {"the invoice number is {invoice}", "the iban on the bill {bad_iban} keeps bouncing",
                "my case number is {ticket}", "i got the code {sms} what now",
                "i rang {short} and nobody picked up", "the parcel tracking is {track}",
                "you charged me {amount} instead of {amount}", "appointment at {time} on {date}",
                "the loan runs until {year}", "waybill {order}", "my old contract {bad_iin}",
                "the card {bad_card} got declined", "we live on <victoria> road near the park",
                "i'll <bill> you later for that"};
  add(p, T::kPhone, {{"what's the best number to reach you", "try {phone} in the afternoon"},
                     {nullptr, "if i don't pick up call my wife on {phone}"},
                     {"number for the driver", "{phone}"}});
  add(p, T::kIin, {{"i need the patient's iin", "it's {iin}"}, {nullptr, "my iin is {iin} can you check"}});
  add(p, T::kBin, {{"your employer's bin", "{bin}"}});
  add(p, T::kIban, {{"where should we send the insurance payout", "to {iban} at {bank}"}});
  add(p, T::kCard, {{"which card should the refund go to", "this one {card}"}});
  add(p, T::kEmail, {{"where do we send the lab results", "to {email}"}});
  add(p, T::kIpAddress, {{"what address does the router show", "it says {ip}"}});
  add(p, T::kUrl, {{"where did you see the ad", "on {url}"}});
  add(p, T::kDateOfBirth, {{"patient's date of birth", "{dob}"}, {nullptr, "my son was born {dob}"}});
  add(p, T::kIdCard, {{"id card number", "{idcard}"}});
  add(p, T::kPassport, {{"passport number for the policy", "{passport}"}});
  add(p, T::kVehiclePlate, {{"which car was in the accident", "mine {plate} a grey sportage"}});
  add(p, T::kAddress, {{"where should we deliver", "{addr} third entrance"}});
  add(p, T::kPerson, {{"who's picking up the parcel", "{name} will"},
                      {"which doctor would you like", "doctor {name} please"},
                      {nullptr, "the driver {name} was really rude"},
                      {nullptr, "i spoke to {name} yesterday and she said she'd call back"},
                      {nullptr, "put it under {me:full}"},
                      {nullptr, "that's {name:poss} number {phone}"}});
  return p;
}

TemplatePack en_chat() {
  TemplatePack p;
  p.op_open = {"Evening! {company} deliveries, {op} here 🚚", "Hi 👋 {company} clinic front desk"};
  p.client_open = {"Hey, quick one about my parcel", "Morning! Question about my loan", "Hiya)"};
  p.closing = {"See you at your appointment 🙂", "The courier will text before leaving", "Have a good evening!"};
  p.op_fill = {"Checking the status now", "Passed it to the doctor", "Let me ask the warehouse"};
  p.client_fill = {"Ok thx", "Waiting", "Can we do tomorrow?", "Will it take long?", "Cheers 😊"};
  p.distract = {"Invoice #{invoice}", "IBAN {bad_iban} — bank says invalid", "Case {ticket}",
                "SMS code: {sms}", "Called {short}, engaged", "Tracking {track}", "Total due {amount}",
                "Appointment at {time}", "Loan until {year}", "Waybill {order}", "Contract {bad_iin}",
                "Card {bad_card} declined", "App version {version}"};
  add(p, T::kPhone, {{"Number for the courier?", "{phone}"}, {nullptr, "Text me on {phone} instead"}});
  add(p, T::kIin, {{"Borrower's IIN please", "{iin}"}, {nullptr, "IIN {iin}, please recheck the form"}});
  add(p, T::kBin, {{"Employer BIN?", "{bin}"}});
  add(p, T::kIban, {{"Where do we return the deposit?", "IBAN {iban}"}});
  add(p, T::kCard, {{"Full card number?", "{card}"}});
  add(p, T::kEmail, {{"Email for the statement?", "{email}"}});
  add(p, T::kIpAddress, {{"Which IP is in the settings?", "{ip}"}});
  add(p, T::kUrl, {{"How did you hear about us?", "{url}"}});
  add(p, T::kDateOfBirth, {{"Account holder's DOB?", "{dob}"}});
  add(p, T::kIdCard, {{"ID card number?", "{idcard}"}});
  add(p, T::kPassport, {{"Passport number?", "{passport}"}});
  add(p, T::kVehiclePlate, {{"Plate for the parking pass?", "{plate}"}});
  add(p, T::kAddress, {{"Where should the courier go?", "{addr}"}});
  add(p, T::kPerson, {{"Who's the recipient?", "{name}"},
                      {nullptr, "Please tell {name} the results are in"},
                      {nullptr, "The courier {name} was lovely 👍"},
                      {nullptr, "Full name: {me:full}"}});
  return p;
}

}  // namespace

const TemplatePack& heldout_template_pack(Language lang, DocKind kind) {
  static const TemplatePack packs[3][2] = {{ru_transcript(), ru_chat()},
                                           {kk_transcript(), kk_chat()},
                                           {en_transcript(), en_chat()}};
  return packs[static_cast<int>(lang)][kind == DocKind::kTranscript ? 0 : 1];
}

}  // namespace dpa::bench
