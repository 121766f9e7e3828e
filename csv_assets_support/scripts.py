# ruff: noqa: RUF001  (native words: their letters look like Latin ones by design)
"""Native text of the scripts partners write in, and the encodings their systems save it in.

The sniffer's corpora fill the clean tables' text columns (names, cities, notes) from one
script per file, then encode the file in one of the script's legacy code pages or in a Unicode
form: Western, Central European, Cyrillic, Greek, Turkish, Chinese (simplified and
traditional), Japanese and Korean. The words are everyday ones: what a customer list or an
order export holds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Script:
    """Words of one script, how a person's name is written in it, and its legacy encodings."""

    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    cities: tuple[str, ...]
    words: tuple[str, ...]
    codecs: tuple[str, ...]
    """The code pages systems of this script write, most common first."""
    spaced: bool = True
    """Whether a name is ``first surname`` (else ``surname`` and given name run together)."""

    def name(self, first: str, surname: str) -> str:
        return f"{first} {surname}" if self.spaced else f"{surname}{first}"


WESTERN = Script(
    first_names=("Anna", "Ben", "Chloé", "Dário", "Eva", "Frank", "Gül", "Hana", "Ivo", "Jörg"),
    surnames=("Red", "Blue", "Large", "Small", "Fresh", "Spare", "Boxed", "Loose", "New", "Used"),
    cities=("Berlin", "Paris", "Lisboa", "København", "Zürich", "Wien", "Praha", "Köln"),
    words=("red", "blue", "large", "small", "fresh", "spare", "boxed", "loose", "new", "used"),
    codecs=("cp1252", "latin-1"),
)
SCRIPTS: dict[str, Script] = {
    "western": WESTERN,
    "central_european": Script(
        first_names=("Łukasz", "Zofia", "Jiří", "Šárka", "Tomáš", "Agnieszka", "Gábor", "Zsófia",
                     "Ľubomír", "Kateřina"),
        surnames=("Wiśniewski", "Dvořák", "Kowalczyk", "Nováková", "Szabó", "Żółkiewski",
                  "Horváth", "Černý", "Łukaszewicz", "Procházka"),
        cities=("Wrocław", "Kraków", "Gdańsk", "Příbram", "Brno", "Győr", "Łódź",
                "České Budějovice", "Bratislava", "Poznań"),
        words=("dostawa", "zwrot", "faktura", "objednávka", "sleva", "přeprava", "szállítás",
               "rabat", "ważne", "pilné"),
        codecs=("cp1250", "iso8859-2"),
    ),
    "cyrillic": Script(
        first_names=("Иван", "Ольга", "Дмитрий", "Наталья", "Сергей", "Екатерина", "Алексей",
                     "Юлия", "Михаил", "Татьяна"),
        surnames=("Петров", "Смирнова", "Иванов", "Кузнецова", "Соколов", "Попова", "Лебедев",
                  "Козлова", "Новиков", "Морозова"),
        cities=("Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Самара",
                "Омск", "Ростов-на-Дону", "Уфа", "Пермь"),
        words=("доставка", "возврат", "счёт", "заказ", "скидка", "срочно", "оплата", "склад",
               "подарок", "новый"),
        codecs=("cp1251", "koi8-r"),
    ),
    "greek": Script(
        first_names=("Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Δημήτρης", "Αικατερίνη", "Κώστας",
                     "Σοφία", "Άννα", "Ιωάννης"),
        surnames=("Παπαδόπουλος", "Νικολάου", "Γεωργίου", "Οικονόμου", "Αλεξίου", "Δημητρίου",
                  "Κωνσταντίνου", "Ιωάννου", "Αθανασίου", "Βασιλείου"),
        cities=("Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο", "Λάρισα", "Βόλος", "Ιωάννινα",
                "Χανιά", "Καλαμάτα", "Ρόδος"),
        words=("παράδοση", "επιστροφή", "τιμολόγιο", "παραγγελία", "έκπτωση", "επείγον",
               "πληρωμή", "αποθήκη", "δώρο", "νέο"),
        codecs=("cp1253", "iso8859-7"),
    ),
    "turkish": Script(
        first_names=("Şule", "Çağrı", "İbrahim", "Gül", "Özge", "Ümit", "Ayşe", "Mehmet",
                     "Ilgın", "Ege"),
        surnames=("Yılmaz", "Öztürk", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Doğan",
                  "Kılıç", "Arslan"),
        cities=("İstanbul", "İzmir", "Ankara", "Eskişehir", "Muğla", "Çanakkale", "Şanlıurfa",
                "Diyarbakır", "Kırşehir", "Uşak"),
        words=("teslimat", "iade", "fatura", "sipariş", "indirim", "acil", "ödeme", "depo",
               "hediye", "yeni"),
        codecs=("cp1254", "iso8859-9"),
    ),
    "chinese_simplified": Script(
        first_names=("伟", "娜", "强", "敏", "静", "磊", "洋", "艳", "勇", "军"),
        surnames=("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"),
        cities=("北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安", "南京", "重庆"),
        words=("送货", "退货", "发票", "订单", "折扣", "加急", "付款", "仓库", "礼品", "新品"),
        codecs=("gb18030", "gbk"),
        spaced=False,
    ),
    "chinese_traditional": Script(
        first_names=("偉", "娜", "強", "敏", "靜", "磊", "洋", "美", "勇", "軍"),
        surnames=("王", "李", "張", "劉", "陳", "楊", "黃", "趙", "吳", "周"),
        cities=("臺北", "高雄", "臺中", "臺南", "新竹", "基隆", "嘉義", "桃園", "香港", "澳門"),
        words=("送貨", "退貨", "發票", "訂單", "折扣", "加急", "付款", "倉庫", "禮品", "新品"),
        codecs=("big5",),
        spaced=False,
    ),
    "japanese": Script(
        first_names=("太郎", "花子", "健太", "美咲", "翔", "さくら", "ゆうき", "陽菜", "大輔",
                     "愛"),
        surnames=("田中", "佐藤", "鈴木", "高橋", "渡辺", "伊藤", "山本", "中村", "小林", "加藤"),
        cities=("東京", "大阪", "横浜", "名古屋", "札幌", "福岡", "神戸", "京都", "さいたま",
                "広島"),
        words=("配送", "返品", "請求書", "注文", "割引", "至急", "支払い", "倉庫", "ギフト",
               "新品"),
        codecs=("shift_jis", "cp932", "euc-jp"),
        spaced=False,
    ),
    "korean": Script(
        first_names=("민준", "서연", "지훈", "하은", "도윤", "지우", "서준", "수아", "예준",
                     "지민"),
        surnames=("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"),
        cities=("서울", "부산", "인천", "대구", "대전", "광주", "울산", "수원", "창원", "제주"),
        words=("배송", "반품", "청구서", "주문", "할인", "긴급", "결제", "창고", "선물",
               "신상품"),
        codecs=("euc-kr", "cp949"),
        spaced=False,
    ),
}  # fmt: skip
"""Every script of the corpora, by name."""
