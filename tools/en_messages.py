# ruff: noqa: E501  (a translation table: one message per line reads better than wrapped)
"""English translations of the Russian UI strings (msgid is the Russian text).

Kept as a Python table so `make translations` can regenerate the .po from a fresh
extraction without losing work; unknown msgids are reported, not silently left blank.
"""

EN: dict[str, str] = {
    "Ученик": "Student",
    "Балл": "Score",
    "Комментарий": "Comment",
    "Выберите ученика.": "Choose a student.",
    "Укажите балл.": "Enter a score.",
    "Балл должен быть числом.": "The score must be a number.",
    "Комментарий длиннее 500 символов.": "The comment is longer than 500 characters.",
    "Балл должен быть от 0 до %(max)s.": "The score must be between 0 and %(max)s.",
    "Выберите, что разместить в курсе.": "Choose what to place in the course.",
    "LMS разрешает разместить только один элемент.": "The LMS accepts only one item.",
    "LMS не принимает ссылки LTI в этом месте курса.": "The LMS does not accept LTI links here.",
    "Ссылка-приглашение для регистрации недействительна, использована или устарела.":
        "The registration invitation link is invalid, already used or expired.",
    "Не удалось получить настройки платформы: %(err)s": "Could not fetch the platform configuration: %(err)s",
    "Настройки платформы неполны или неверны (поля: %(f)s).":
        "The platform configuration is incomplete or invalid (fields: %(f)s).",
    "Платформа не сообщила свои настройки LTI.": "The platform did not send its LTI configuration.",
    "Издатель «%(iss)s» не совпадает с адресом настроек платформы.":
        "Issuer “%(iss)s” does not match the platform configuration URL.",
    "Платформа отклонила регистрацию: %(err)s": "The platform rejected the registration: %(err)s",
    "Платформа не вернула client_id.": "The platform did not return a client_id.",
    "Откройте этот адрес из LMS (Moodle: «Зарегистрировать инструмент по URL»): нет параметра openid_configuration.":
        "Open this address from the LMS (Moodle: “Register tool by URL”): the openid_configuration parameter is missing.",
    "Не удалось получить ключи платформы (%(url)s): %(err)s": "Could not fetch the platform keys (%(url)s): %(err)s",
    "Набор ключей платформы (%(url)s) имеет неверный формат.": "The platform key set (%(url)s) is malformed.",
    "Ключ «%(kid)s» не найден в наборе ключей платформы.": "Key “%(kid)s” is not in the platform key set.",
    "Ключ платформы «%(kid)s» не RSA.": "Platform key “%(kid)s” is not an RSA key.",
    "Токен подписан недопустимым алгоритмом «%(alg)s»: разрешён только RS256.":
        "The token is signed with the disallowed algorithm “%(alg)s”: only RS256 is accepted.",
    "В заголовке токена нет идентификатора ключа (kid).": "The token header has no key id (kid).",
    "Токен выпущен не для этого инструмента: в aud нет client_id «%(client)s».":
        "The token was not issued for this tool: aud does not contain client_id “%(client)s”.",
    "В aud указан посторонний получатель «%(aud)s».": "aud names an untrusted audience “%(aud)s”.",
    "В токене несколько получателей (aud), но нет поля azp.": "The token has several audiences (aud) but no azp.",
    "Поле azp «%(azp)s» не совпадает с client_id «%(client)s».": "azp “%(azp)s” does not match client_id “%(client)s”.",
    "Издатель токена (iss) «%(iss)s» не совпадает с платформой входа.":
        "The token issuer (iss) “%(iss)s” does not match the platform of the login.",
    "В запуске нет обязательного поля %(claim)s.": "The launch lacks the required claim %(claim)s.",
    "Срок действия токена запуска истёк.": "The launch token has expired.",
    "Токен выпущен «в будущем» (iat): проверьте часы платформы.":
        "The token was issued in the future (iat): check the platform clock.",
    "В токене запуска нет nonce.": "The launch token has no nonce.",
    "nonce токена не совпадает с выданным при входе.": "The token nonce does not match the one issued at login.",
    "Неподдерживаемая версия LTI «%(v)s»: нужна 1.3.0.": "Unsupported LTI version “%(v)s”: 1.3.0 is required.",
    "Тип сообщения «%(t)s» не поддерживается.": "Message type “%(t)s” is not supported.",
    "Поле roles должно быть списком.": "The roles claim must be a list.",
    "Платформа «%(iss)s» (client_id «%(client)s») не зарегистрирована в Маршруте.":
        "Platform “%(iss)s” (client_id “%(client)s”) is not registered in Marshrut.",
    "Регистрация этой платформы ожидает одобрения администратором Маршрута.":
        "This platform's registration is waiting for approval by a Marshrut administrator.",
    "Адрес target_link_uri «%(uri)s» не принадлежит этому инструменту.":
        "target_link_uri “%(uri)s” does not belong to this tool.",
    "id_token не является корректным JWT.": "id_token is not a well-formed JWT.",
    "В запросе запуска нет параметра state.": "The launch request has no state parameter.",
    "Параметр state не совпадает ни с одним начатым входом.": "The state parameter matches no login in progress.",
    "Этот запуск уже был использован: повторная отправка отклонена.":
        "This launch has already been used: the replay is refused.",
    "Вход устарел: откройте инструмент из курса заново.": "The login has expired: open the tool from the course again.",
    "Вход был начат в другом браузере.": "The login was started in another browser.",
    "В запросе запуска нет id_token.": "The launch request has no id_token.",
    "Подпись или сроки токена запуска неверны: %(err)s": "The launch token signature or times are invalid: %(err)s",
    "Развёртывание (deployment_id) «%(d)s» не зарегистрировано для этой платформы.":
        "Deployment (deployment_id) “%(d)s” is not registered for this platform.",
    "В запросе входа нет параметра %(name)s.": "The login request has no %(name)s parameter.",
    "Обзор класса": "Class overview",
    "Список учеников курса с их отметками и баллами.": "The course roster with each student's marks and scores.",
    "LMS не передала адрес списка участников (NRPS).": "The LMS did not provide the membership service (NRPS).",
    "LMS не отдала список участников курса; попробуйте позже.": "The LMS did not return the course roster; try again later.",
    "Список обновлён: получено %(f)s, добавлено %(a)s, выбыло %(d)s.":
        "Roster updated: %(f)s received, %(a)s added, %(d)s left.",
    "Запуск не разрешает выставлять баллы в журнал LMS (нет AGS).":
        "This launch does not allow posting scores to the LMS gradebook (no AGS).",
    "Ученик не связан с учётной записью этой LMS.": "The student is not linked to an account of this LMS.",
    "Маршрут: %(t)s": "Marshrut: %(t)s",
    "Балл поставлен в очередь отправки в журнал LMS.": "The score is queued for delivery to the LMS gradebook.",
    "Неверный запрос": "Bad request",
    "Нужно открыть Маршрут из курса": "Open Marshrut from your course",
    "Доступ запрещён": "Access denied",
    "Не найдено": "Not found",
    "Метод не поддерживается": "Method not allowed",
    "Файл слишком большой": "File too large",
    "Внешняя система не ответила": "The remote system did not answer",
    "Запуск отклонён": "Launch refused",
    "Ошибка": "Error",
    "Маршрут": "Marshrut",
    "Код": "Code",
    "Подключения LMS": "LMS connections",
    "Платформа": "Platform",
    "Развёртывания": "Deployments",
    "Состояние": "Status",
    "активна": "active",
    "ждёт одобрения": "awaiting approval",
    "Подключить ещё одну LMS": "Connect another LMS",
    "Создайте одноразовую ссылку и вставьте её в Moodle: «Администрирование → Плагины → Внешний инструмент → Управление инструментами → URL инструмента».":
        "Create a one-time link and paste it into Moodle: “Site administration → Plugins → External tool → Manage tools → Tool URL”.",
    "Создать ссылку-приглашение": "Create an invitation link",
    "Что разместить в курсе?": "What to place in the course?",
    "Разместить": "Place",
    "Маршрут подключён": "Marshrut is connected",
    "Платформа %(iss)s зарегистрирована, client_id: %(client)s.": "Platform %(iss)s is registered, client_id: %(client)s.",
    "Заявка на подключение принята": "Connection request received",
    "Регистрация ожидает одобрения администратором Маршрута; до этого запуски из LMS отклоняются.":
        "The registration awaits approval by a Marshrut administrator; until then launches from the LMS are refused.",
    "Обновить список из LMS": "Refresh roster from the LMS",
    "Ученики": "Students",
    "Балл в LMS": "LMS score",
    "Отправка": "Delivery",
    "Поставить балл": "Give a score",
    "(без имени)": "(no name)",
    "в очереди": "queued",
    "отправляется": "sending",
    "доставлен": "delivered",
    "ошибка": "failed",
    "Отправить": "Send",
    "В классе пока нет учеников. Обновите список из LMS.": "No students in this class yet. Refresh the roster from the LMS.",
    "Отметки из «Сетевого города» появятся здесь после подключения адаптера.":
        "Marks from Setevoy Gorod will appear here once the adapter is connected.",
    "Здравствуйте, %(name)s": "Hello, %(name)s",
    "пользователь": "user",
    "Ваши роли": "Your roles",
    "учитель": "teacher",
    "ученик": "student",
    "администратор": "administrator",
    "родитель": "parent",
    "Мои баллы в журнале LMS": "My scores in the LMS gradebook",
    "Работа": "Work",
    "Пока нет баллов.": "No scores yet.",
}
