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
  p.op_open = {"здравствуйте компания {company} меня зовут {op} чем могу помочь",
               "добрый день служба поддержки {company} оператор {op} слушаю вас",
               "алло здравствуйте слушаю вас", "добрый день {company} чем могу помочь",
               "здравствуйте вас приветствует {company} это {op}"};
  p.client_open = {"здравствуйте меня зовут {me} я по поводу заказа",
                   "алло здравствуйте это {me} я вам вчера звонил{cg:|а}",
                   "добрый день у меня вопрос по договору", "да здравствуйте",
                   "здравствуйте я {me} хотел{cg:|а} уточнить по оплате"};
  p.closing = {"спасибо за обращение всего доброго", "хорошо спасибо до свидания",
               "оцените пожалуйста качество обслуживания после сигнала",
               "рады были помочь хорошего дня"};
  p.op_fill = {"минуточку", "секунду проверяю", "подождите пожалуйста на линии",
               "так вижу вашу заявку", "да вижу", "сейчас посмотрю в системе",
               "у вас всё верно", "можете повторить плохо слышно"};
  p.client_fill = {"да", "угу", "хорошо", "понятно", "да слышу вас", "ну да",
                   "а сколько это займёт", "ладно жду", "так а дальше что"};
  p.distract = {"я оплатил{cg:|а} {amount} а списали больше",
                "заказ номер {order} до сих пор не пришёл",
                "мне обещали доставить {date} к {time}",
                "я ваш клиент с {year} года",
                "трек номер {track}",
                "в приложении версия {version}",
                "номер договора {bad_iin}",
                "номер полиса {bad_card}",
                "лицевой счёт {n11}",
                "почтовый индекс {postal}",
                "я сейчас в {city}",
                "<вера> в лучшее у меня ещё есть",
                "я с <любовью> к делу отношусь а вы нет",
                "<надежда> только на вас",
                "<слава> богу разобрались",
                "у меня там было {amount} на счету",
                "звоните с {time} до {time}",
                "обновил{cg:|а} до версии {version} и всё сломалось"};
  add(p, T::kPhone, {{"назовите пожалуйста номер телефона", "{phone}"},
                     {"продиктуйте номер для связи", "да записывайте {phone}"},
                     {"на какой номер вам перезвонить", "на этот же {phone}"},
                     {"какой у вас контактный номер", "мой номер {phone}"},
                     {"номер телефона привязанный к аккаунту", "{phone} но он старый новый {phone}"},
                     {"есть второй номер", "да рабочий {phone}"},
                     {nullptr, "перезвоните мне на {phone}"},
                     {nullptr, "мой старый номер {phone} уже не работает"}});
  add(p, T::kIin, {{"продиктуйте пожалуйста ваш иин", "{iin}"},
                   {"назовите иин для идентификации", "мой иин {iin}"},
                   {"для проверки мне нужен ваш иин", "да конечно {iin}"},
                   {"иин владельца договора", "иин {iin}"},
                   {"назовите индивидуальный идентификационный номер", "записывайте {iin}"}});
  add(p, T::kBin, {{"бин вашей организации", "бин {bin}"},
                   {"на какую компанию выставить счёт", "тоо {company} бин {bin}"},
                   {"назовите бин", "{bin}"}});
  add(p, T::kIban, {{"реквизиты для возврата", "счёт {iban} в {bank}"},
                    {"номер счёта для перевода", "иик {iban}"},
                    {"продиктуйте айбан", "{iban}"}});
  add(p, T::kCard, {{"номер карты с которой оплачивали", "{card}"},
                    {"на какую карту вернуть деньги", "на карту {card}"}});
  add(p, T::kEmail, {{"электронная почта", "{email}"},
                     {"куда отправить договор", "на почту {email}"},
                     {"какая почта указана в профиле", "{email} кажется"},
                     {nullptr, "скиньте на почту {email}"}});
  add(p, T::kIpAddress, {{"с какого адреса вы заходили", "айпи {ip}"},
                         {"у вас какой ip адрес", "вот {ip}"}});
  add(p, T::kUrl, {{"есть ли у вас инстаграм", "да {url}"},
                   {"куда вам написать", "в вотсап {url}"},
                   {"как вас найти в телеграме", "{url}"}});
  add(p, T::kDateOfBirth, {{"дата рождения", "{dob}"},
                           {"когда вы родились", "я родил{cg:ся|ась} {dob} года"},
                           {"назовите дату рождения", "дата рождения {dob}"}});
  add(p, T::kIdCard, {{"номер удостоверения личности", "{idcard}"},
                      {"продиктуйте номер удостоверения", "удостоверение номер {idcard}"}});
  add(p, T::kPassport, {{"номер паспорта", "паспорт {passport}"},
                        {"данные паспорта", "номер паспорта {passport}"}});
  add(p, T::kVehiclePlate, {{"госномер автомобиля", "{plate}"},
                            {"номер машины", "машина {plate} белая камри"}});
  add(p, T::kAddress, {{"адрес доставки", "{addr}"},
                       {"где вы проживаете", "я живу по адресу {addr}"},
                       {"куда приехать мастеру", "{addr} домофон не работает"}});
  add(p, T::kPerson, {{"как к вам обращаться", "меня зовут {me}"},
                      {"ваши фамилия имя отчество", "{me:full}"},
                      {"на кого оформлен договор", "на {name:acc}"},
                      {"кто владелец карты", "карта на имя {name:gen}"},
                      {"с кем я говорю", "это {me}"},
                      {"кто вас обслуживал", "я разговаривал{cg:|а} с {name:ins}"},
                      {"кому передать документы", "передайте {name:dat}"},
                      {nullptr, "передайте {name:dat} что я перезвоню"},
                      {nullptr, "я уже говорил{cg:|а} с вашим сотрудником {name:ins}"},
                      {nullptr, "позовите пожалуйста {name:acc}"},
                      {nullptr, "{name} сказал{g:|а} что всё оформлено"},
                      {nullptr, "запишите на {name:acc} пожалуйста"},
                      {nullptr, "у {name:gen} такой же договор"},
                      {nullptr, "это номер {name:gen} {phone}"}});
  return p;
}

TemplatePack ru_chat() {
  TemplatePack p;
  p.op_open = {"Здравствуйте! Меня зовут {op}, чем могу помочь?",
               "Добрый день! {company}, менеджер {op} 😊", "Здравствуйте, слушаю вас",
               "Добрый день! Это {op} из {company}."};
  p.client_open = {"Здравствуйте!", "Добрый день 👋", "Привет", "Здравствуйте, подскажите пожалуйста",
                   "Добрый вечер, это {me}", "Здравствуйте, меня зовут {me}."};
  p.closing = {"Спасибо за обращение!", "Хорошего дня! 🙂", "Спасибо, всего доброго", "Рады помочь!"};
  p.op_fill = {"Уточню и напишу", "Извините за задержку", "Минуту, проверяю",
               "Передала ваш вопрос специалисту", "Заявка принята", "Пожалуйста"};
  p.client_fill = {"Спасибо!", "Ок", "Хорошо, жду", "Спасибо большое 🙏", "Понял", "Поняла",
                   "Когда ответите?", "Да, всё верно", "Сколько ждать?",
                   "Подскажите, пожалуйста, сроки доставки", "Всё пришло, спасибо",
                   "Можно побыстрее?", "Не приходит смс", "Приложение не открывается",
                   "Пожалуйста, перезвоните мне", "Спасибо, очень быстро ответили"};
  p.distract = {"Оплатил{cg:|а} {amount}, где чек?", "Заказ №{order} когда будет?",
                "Доставка {date} с {time}", "Мы с вами работаем с {year} года",
                "Трек-номер: {track}", "Обновите приложение до версии {version}",
                "Номер договора {bad_iin}", "Номер полиса {bad_card}", "Лицевой счёт {n11}",
                "Индекс {postal}", "Скидка 15% до {date}", "Я в {city}",
                "Доставка в {city} 2–3 дня", "<Вера> в лучшее 🙏",
                "С <любовью> к делу, команда {company}", "<Надежда> умирает последней 😅",
                "<Слава> богу, получилось!", "Итого {amount}", "Перезвоню в {time}",
                "Версия {version}, всё обновлено"};
  add(p, T::kPhone, {{"Оставьте, пожалуйста, номер телефона", "{phone}"},
                     {"Как с вами связаться?", "Мой номер {phone}, звоните после {time}"},
                     {"Номер для курьера?", "{phone} это муж"},
                     {"Ваш номер?", "Вот: {phone}"},
                     {"Подскажите контактный номер", "{phone} или {phone}"},
                     {nullptr, "Мой новый номер {phone}, старый не работает"}});
  add(p, T::kIin, {{"Для оформления нужен ИИН", "ИИН {iin}"},
                   {"Укажите ИИН, пожалуйста", "{iin}"},
                   {"Напишите ИИН получателя", "ИИН: {iin}"}});
  add(p, T::kBin, {{"БИН компании?", "БИН {bin}, ТОО «{company}»"},
                   {"Реквизиты организации?", "{company}, БИН {bin}"}});
  add(p, T::kIban, {{"Реквизиты для возврата?", "IBAN {iban}, {bank}"},
                    {"Куда перечислить?", "ИИК: {iban}"}});
  add(p, T::kCard, {{"На какую карту вернуть деньги?", "{card}"},
                    {"Номер карты для возврата?", "Карта {card}, {bank}"}});
  add(p, T::kEmail, {{"Почта для чека?", "{email}"},
                     {"Куда отправить счёт?", "На {email}, пожалуйста"},
                     {nullptr, "Напишите на {email}"}});
  add(p, T::kIpAddress, {{"С какого IP входили?", "{ip}"}, {"Пришлите IP-адрес", "IP {ip}"}});
  add(p, T::kUrl, {{"Ссылка на профиль?", "{url}"},
                   {"Где вас найти?", "Вот мой инстаграм: {url}"},
                   {"Куда написать?", "Пишите в WhatsApp {url}"}});
  add(p, T::kDateOfBirth, {{"Дата рождения?", "{dob}"},
                           {"Укажите дату рождения", "Д.р. {dob}"},
                           {"Когда вы родились?", "Я родил{cg:ся|ась} {dob}"}});
  add(p, T::kIdCard, {{"Номер удостоверения?", "Уд. личности № {idcard}"},
                      {"Номер удостоверения личности?", "{idcard}"}});
  add(p, T::kPassport, {{"Номер паспорта?", "Паспорт {passport}"},
                        {"Паспортные данные для визы", "Номер паспорта {passport}"}});
  add(p, T::kVehiclePlate, {{"Госномер авто?", "{plate}"},
                            {"Номер машины для пропуска?", "Машина {plate}, серебристая"}});
  add(p, T::kAddress, {{"Адрес доставки?", "{addr}"},
                       {"Куда доставить?", "{addr}, домофон не работает"},
                       {"Ваш адрес?", "Я живу: {addr}"}});
  add(p, T::kPerson, {{"Как к вам обращаться?", "{me}"},
                      {"ФИО получателя?", "{name:full}"},
                      {"На кого оформить?", "На {name:acc}"},
                      {"Кто получит заказ?", "Заберёт {name}"},
                      {"С кем вы общались?", "С {name:ins}"},
                      {nullptr, "Передайте {name:dat}, что я перезвоню"},
                      {nullptr, "{name} сказал{g:|а}, что всё готово"},
                      {nullptr, "Я говорил{cg:|а} с {name:ins}, обещали перезвонить"},
                      {nullptr, "Спасибо, {name}! 🙏"},
                      {nullptr, "Позовите {name:acc}, пожалуйста"},
                      {nullptr, "Это {me}, по заказу {order}"}});
  return p;
}

TemplatePack kk_transcript() {
  TemplatePack p;
  p.op_open = {"сәлеметсіз бе {company} компаниясы менің атым {op} сізге қалай көмектесе аламын",
               "қайырлы күн қолдау қызметі тыңдап тұрмын", "сәлеметсіз бе оператор {op} тыңдаймын"};
  p.client_open = {"сәлеметсіз бе менің атым {me}", "сәлеметсіз бе тапсырыс бойынша хабарласып тұрмын",
                   "иә сәлеметсіз бе"};
  p.closing = {"хабарласқаныңызға рахмет сау болыңыз", "жақсы рахмет сау болыңыз",
               "көмектескеніңізге рахмет"};
  p.op_fill = {"бір минут күте тұрыңыз", "қазір тексеремін", "естіп тұрмын",
               "қайталап жіберіңізші", "жақсы түсінікті"};
  p.client_fill = {"иә", "жақсы", "түсіндім", "рахмет", "дұрыс", "қанша уақыт кетеді"};
  p.distract = {"{amount} төледім", "тапсырыс нөмірі {order}", "{date} жеткіземіз деді",
                "сағат {time} келеді", "{year} жылдан бері клиентпін", "трек нөмірі {track}",
                "қосымша нұсқасы {version}", "келісімшарт нөмірі {bad_iin}",
                "полис нөмірі {bad_card}", "дербес шот {n11}", "пошта индексі {postal}",
                "мен қазір {city} қаласындамын", "<бақыт> тілеймін сізге",
                "кеше базардан <алма> сатып алдым", "<дана> адам айтқандай асықпау керек",
                "<нұр> жаусын", "<ай> сайын төлеймін"};
  add(p, T::kPhone, {{"телефон нөміріңізді айтыңызшы", "{phone}"},
                     {"байланыс нөміріңіз қандай", "менің нөмірім {phone}"},
                     {"қай нөмірге қоңырау шалайық", "осы нөмірге {phone}"},
                     {nullptr, "менің нөмірім {phone} жазып алыңыз"}});
  add(p, T::kIin, {{"жсн айтыңызшы", "жсн {iin}"},
                   {"иин нөміріңізді айтыңыз", "{iin}"},
                   {"жеке сәйкестендіру нөміріңіз", "жазып алыңыз {iin}"}});
  add(p, T::kBin, {{"ұйымның бсн нөмірі", "бсн {bin}"},
                   {"қай компанияға шот жазамыз", "{company} жшс бсн {bin}"}});
  add(p, T::kIban, {{"шот нөмірі", "шотым {iban}"}, {"ақшаны қайда қайтарамыз", "{bank} шот {iban}"}});
  add(p, T::kCard, {{"карта нөмірі", "картам {card}"}, {"қай картаға қайтарамыз", "{card} картасына"}});
  add(p, T::kEmail, {{"электрондық поштаңыз", "поштам {email}"},
                     {"келісімшартты қайда жіберейік", "{email} поштасына"}});
  add(p, T::kIpAddress, {{"қай ip адрестен кірдіңіз", "{ip}"}});
  add(p, T::kUrl, {{"инстаграмыңыз бар ма", "иә {url}"},
                   {"сізге қайда жазайық", "вотсапқа жазыңыз {url}"}});
  add(p, T::kDateOfBirth, {{"туған күніңіз", "туған күнім {dob}"},
                           {"туған күніңізді айтыңыз", "{dob}"}});
  add(p, T::kIdCard, {{"жеке куәлік нөмірі", "куәлік нөмірі {idcard}"},
                      {"жеке куәлігіңіздің нөмірін айтыңыз", "{idcard}"}});
  add(p, T::kPassport, {{"төлқұжат нөмірі", "төлқұжат {passport}"}});
  add(p, T::kVehiclePlate, {{"көлік нөмірі", "көлігімнің нөмірі {plate}"},
                            {"мемлекеттік нөмірі қандай", "{plate}"}});
  add(p, T::kAddress, {{"мекенжайыңыз", "мекенжайым {addr}"},
                       {"қайда жеткізейік", "{addr}"},
                       {"қайда тұрасыз", "{addr} тұрамын"}});
  add(p, T::kPerson, {{"атыңыз кім", "менің атым {me}"},
                      {"аты-жөніңізді айтыңыз", "{me:full}"},
                      {"келісімшарт кімнің атына", "{name:gen} атына"},
                      {"кіммен сөйлестіңіз", "{name:ins} сөйлестім"},
                      {"құжатты кімге береміз", "{name:dat} беріңіз"},
                      {nullptr, "{name:dat} айтыңызшы мен қайта хабарласамын"},
                      {nullptr, "кеше {name:ins} сөйлестім"},
                      {nullptr, "{name:abl} сұраңыз"},
                      {nullptr, "{name:gen} нөмірі {phone}"},
                      {nullptr, "{name} айтты барлығы дайын деп"}});
  return p;
}

TemplatePack kk_chat() {
  TemplatePack p;
  p.op_open = {"Сәлеметсіз бе! Менің атым {op}, қалай көмектесе аламын?",
               "Қайырлы күн! {company}, менеджер {op} 😊", "Сәлеметсіз бе, тыңдап тұрмын"};
  p.client_open = {"Сәлеметсіз бе!", "Қайырлы күн 👋", "Сәлем", "Сәлеметсіз бе, менің атым {me}."};
  p.closing = {"Хабарласқаныңызға рахмет!", "Сау болыңыз 🙂", "Рахмет, күніңіз сәтті өтсін"};
  p.op_fill = {"Нақтылап жазамын", "Кешіріңіз, кешіктім", "Бір минут, тексеріп жатырмын",
               "Өтінім қабылданды"};
  p.client_fill = {"Рахмет!", "Жақсы", "Күтемін", "Көп рахмет 🙏", "Түсіндім",
                   "Қашан жауап бересіз?", "Иә, бәрі дұрыс", "Қанша күту керек?",
                   "SMS келмей жатыр", "Қосымша ашылмайды", "Бәрі келді, рахмет"};
  p.distract = {"{amount} төледім, чек қайда?", "Тапсырыс №{order} қашан келеді?",
                "Жеткізу {date}, {time}", "{year} жылдан бері сіздің клиентіңізбін",
                "Трек-нөмір: {track}", "Қосымшаны {version} нұсқасына жаңартыңыз",
                "Келісімшарт нөмірі {bad_iin}", "Полис нөмірі {bad_card}", "Дербес шот {n11}",
                "Индекс {postal}", "Мен {city} қаласындамын", "<Бақыт> тілеймін! 🙏",
                "<Нұр> жаусын!", "<Ай> сайын төлеймін", "Базардан <алма> сатып алдым 🍎",
                "Барлығы {amount}"};
  add(p, T::kPhone, {{"Телефон нөміріңізді қалдырыңыз", "{phone}"},
                     {"Сізбен қалай байланысамыз?", "Нөмірім {phone}, {time} кейін хабарласыңыз"},
                     {nullptr, "Жаңа нөмірім {phone}"}});
  add(p, T::kIin, {{"Рәсімдеу үшін ЖСН керек", "ЖСН {iin}"}, {"ИИН жазыңызшы", "{iin}"}});
  add(p, T::kBin, {{"Компанияның БСН?", "БСН {bin}, «{company}» ЖШС"}});
  add(p, T::kIban, {{"Қайтару үшін деректемелер?", "IBAN {iban}, {bank}"}});
  add(p, T::kCard, {{"Қай картаға қайтарамыз?", "{card}"}});
  add(p, T::kEmail, {{"Чек үшін пошта?", "{email}"}, {nullptr, "{email} поштасына жазыңыз"}});
  add(p, T::kIpAddress, {{"Қай IP-ден кірдіңіз?", "{ip}"}});
  add(p, T::kUrl, {{"Профильге сілтеме?", "{url}"}, {"Қайда жазайық?", "WhatsApp: {url}"}});
  add(p, T::kDateOfBirth, {{"Туған күніңіз?", "{dob}"},
                           {"Туған күніңізді жазыңыз", "Туған күнім: {dob}"}});
  add(p, T::kIdCard, {{"Жеке куәлік нөмірі?", "Жеке куәлік № {idcard}"}});
  add(p, T::kPassport, {{"Төлқұжат нөмірі?", "Төлқұжат {passport}"}});
  add(p, T::kVehiclePlate, {{"Көлік нөмірі?", "{plate}"}});
  add(p, T::kAddress, {{"Жеткізу мекенжайы?", "{addr}"},
                       {"Қайда жеткіземіз?", "{addr}, домофон істемейді"}});
  add(p, T::kPerson, {{"Сізге қалай жүгінейін?", "{me}"},
                      {"Алушының аты-жөні?", "{name:full}"},
                      {"Кімнің атына рәсімдейміз?", "{name:gen} атына"},
                      {"Кімге беру керек?", "{name:dat} беріңіз"},
                      {nullptr, "{name:dat} айтыңызшы, мен қайта хабарласамын"},
                      {nullptr, "Кеше {name:ins} сөйлестім"},
                      {nullptr, "Рахмет, {name}! 🙏"},
                      {nullptr, "{name:gen} нөмірі {phone}"},
                      {nullptr, "{name:abl} сұрап көріңіз"}});
  return p;
}

TemplatePack en_transcript() {
  TemplatePack p;
  p.op_open = {"thank you for calling {company} my name is {op} how can i help you",
               "hello support {op} speaking", "good afternoon {company} how may i help"};
  p.client_open = {"hi my name is {me} i'm calling about my order", "hello this is {me}", "yes hi"};
  p.closing = {"thanks for calling have a nice day", "alright thank you bye", "you're welcome goodbye"};
  p.op_fill = {"one moment please", "let me check", "could you repeat that", "i see",
               "let me pull up your account"};
  p.client_fill = {"okay", "sure", "got it", "thank you", "yes", "right", "uh huh",
                   "how long will it take"};
  p.distract = {"i paid {amount}", "order number {order}", "delivery on {date} at {time}",
                "i've been a customer since {year}", "tracking number {track}",
                "the app version is {version}", "reference number {bad_iin}",
                "policy number {bad_card}", "account number {n11}", "postal code {postal}",
                "i'm in {city} right now", "i <will> call you back", "see you in <may>",
                "the <grace> period is fourteen days", "<mark> it as urgent please",
                "i <hope> this helps", "the total was {amount}"};
  add(p, T::kPhone, {{"can i get a phone number to reach you", "sure it's {phone}"},
                     {"what's the best number to call you back", "{phone}"},
                     {"is this the number on the account", "no the one on the account is {phone}"},
                     {nullptr, "call me back on {phone}"}});
  add(p, T::kIin, {{"could you give me your iin please", "yes it's {iin}"},
                   {"i need your individual identification number", "{iin}"}});
  add(p, T::kBin, {{"what's the company bin", "our bin is {bin}"}});
  add(p, T::kIban, {{"your iban for the refund", "{iban}"},
                    {"which account should we send it to", "iban {iban} at {bank}"}});
  add(p, T::kCard, {{"the card number you paid with", "{card}"}});
  add(p, T::kEmail, {{"and your email", "{email}"},
                     {"where should we send the invoice", "to {email} please"},
                     {nullptr, "my email is {email}"}});
  add(p, T::kIpAddress, {{"what ip address did you log in from", "i think it was {ip}"}});
  add(p, T::kUrl, {{"do you have a profile we can message", "yes {url}"},
                   {"how can we reach you on whatsapp", "{url}"}});
  add(p, T::kDateOfBirth, {{"date of birth please", "{dob}"},
                           {"when were you born", "i was born on {dob}"}});
  add(p, T::kIdCard, {{"your id card number", "{idcard}"},
                      {"the number on your identity card", "it's {idcard}"}});
  add(p, T::kPassport, {{"passport number", "it's {passport}"}});
  add(p, T::kVehiclePlate, {{"license plate of the car", "the plate is {plate}"}});
  add(p, T::kAddress, {{"what's the delivery address", "{addr}"},
                       {"where do you live", "i live at {addr}"}});
  add(p, T::kPerson, {{"may i have your name", "my name is {me}"},
                      {"who is the account holder", "the account holder is {name}"},
                      {"who did you speak to", "i spoke with {name}"},
                      {"full name please", "{me:full}"},
                      {nullptr, "please tell {name} i called"},
                      {nullptr, "{name} called me yesterday"},
                      {nullptr, "i was talking to {name} last week"},
                      {nullptr, "it's under {name:poss} name"}});
  return p;
}

TemplatePack en_chat() {
  TemplatePack p;
  p.op_open = {"Hi! I'm {op} from {company}, how can I help?", "Hello, {company} support here 😊",
               "Hi, this is {op}. How can I help you today?"};
  p.client_open = {"Hi!", "Hello 👋", "Good morning", "Hi, this is {me}", "Hello, my name is {me}."};
  p.closing = {"Thanks for reaching out!", "Have a nice day 🙂", "Thank you, bye"};
  p.op_fill = {"Sorry for the delay", "I'll check and get back to you", "One moment please",
               "Your request has been logged"};
  p.client_fill = {"Thanks!", "Ok", "Sure, waiting", "Thank you so much 🙏", "Got it",
                   "When will you reply?", "Yes, that's right", "How long do I wait?",
                   "The SMS code doesn't arrive", "The app won't open", "Everything arrived, thanks"};
  p.distract = {"Paid {amount}, where's the receipt?", "Order #{order} — when will it arrive?",
                "Delivery on {date} from {time}", "Customer since {year}", "Tracking: {track}",
                "Please update the app to version {version}", "Reference number {bad_iin}",
                "Policy number {bad_card}", "Account number {n11}", "Postal code {postal}",
                "I'm in {city}", "<Will> do!", "See you in <May> 🙂", "<Grace> period is 14 days",
                "<Mark> as resolved please", "<Hope> to hear from you soon", "Total: {amount}"};
  add(p, T::kPhone, {{"Could you leave a phone number?", "{phone}"},
                     {"How can we reach you?", "My number is {phone}, call after {time}"},
                     {nullptr, "My new number is {phone}"}});
  add(p, T::kIin, {{"We need your IIN to proceed", "IIN {iin}"}, {"Please send your IIN", "{iin}"}});
  add(p, T::kBin, {{"Company BIN?", "BIN {bin}, {company} LLP"}});
  add(p, T::kIban, {{"Bank details for the refund?", "IBAN {iban}, {bank}"}});
  add(p, T::kCard, {{"Which card should we refund?", "{card}"}, {"Card number?", "Card {card}"}});
  add(p, T::kEmail, {{"Email for the receipt?", "{email}"},
                     {"Where do we send the invoice?", "To {email}, thanks"},
                     {nullptr, "Write to {email}"}});
  add(p, T::kIpAddress, {{"Which IP did you log in from?", "{ip}"}});
  add(p, T::kUrl, {{"Link to your profile?", "{url}"}, {"Where can we message you?", "WhatsApp: {url}"}});
  add(p, T::kDateOfBirth, {{"Date of birth?", "{dob}"},
                           {"Your DOB please", "DOB: {dob}"},
                           {"When were you born?", "I was born on {dob}"}});
  add(p, T::kIdCard, {{"ID card number?", "ID card No. {idcard}"}});
  add(p, T::kPassport, {{"Passport number?", "Passport {passport}"}});
  add(p, T::kVehiclePlate, {{"Car plate for the parking pass?", "{plate}"}});
  add(p, T::kAddress, {{"Delivery address?", "{addr}"},
                       {"Where should we deliver?", "{addr}, the buzzer is broken"}});
  add(p, T::kPerson, {{"What's your name?", "{me}"},
                      {"Recipient's full name?", "{name:full}"},
                      {"Who will pick it up?", "{name} will"},
                      {"Who did you talk to?", "I talked to {name}"},
                      {nullptr, "Please tell {name} I called"},
                      {nullptr, "{name} said it's ready"},
                      {nullptr, "Thanks, {name}! 🙏"},
                      {nullptr, "It's under {name:poss} name"}});
  return p;
}

}  // namespace

const TemplatePack& template_pack(Language lang, DocKind kind) {
  static const std::array<TemplatePack, 6> packs = {ru_transcript(), ru_chat(), kk_transcript(),
                                                    kk_chat(), en_transcript(), en_chat()};
  return packs[static_cast<std::size_t>(lang) * 2 + static_cast<std::size_t>(kind)];
}

}  // namespace dpa::bench
