package demo

import (
	"math/rand/v2"
	"strings"
)

// Names are built from name parts of each naming culture of the region,
// never taken whole from anyone: a generated name is a random combination
// of common given names, family names and syllables. The same actor is
// written several ways across incidents, as officers of different
// countries transliterate and order names differently.

// culture is a naming tradition.
type culture int

const (
	cBurmese culture = iota
	cRohingya
	cBengali
	cVietnamese
	cThai
	cKhmer
	cLao
	cIndonesian
	cFilipino
	cMalay
	cAfghan
	cIranian
	cPakistani
	cTamil
	cSinhala
	cChinese
	cAustralian
)

// cultureOf is the usual naming culture of a nationality.
func cultureOf(nat string, r *rand.Rand) culture {
	switch nat {
	case "MM":
		if r.IntN(4) == 0 {
			return cRohingya
		}
		return cBurmese
	case "BD":
		return cBengali
	case "VN":
		return cVietnamese
	case "TH":
		return cThai
	case "KH":
		return cKhmer
	case "LA":
		return cLao
	case "ID":
		return cIndonesian
	case "PH":
		return cFilipino
	case "MY":
		if r.IntN(4) == 0 {
			return cChinese
		}
		return cMalay
	case "AF":
		return cAfghan
	case "IR":
		return cIranian
	case "PK":
		return cPakistani
	case "LK":
		if r.IntN(3) == 0 {
			return cSinhala
		}
		return cTamil
	case "CN":
		return cChinese
	case "AU":
		return cAustralian
	}
	return cMalay
}

// name is a person's name as parts in the culture's canonical order.
type name struct {
	c     culture
	parts []string
	male  bool
}

var (
	burmeseParts   = []string{"Aung", "Kyaw", "Min", "Htet", "Zaw", "Win", "Thant", "Myint", "Soe", "Naing", "Tun", "Lwin", "Oo", "Thein", "Hlaing", "Moe", "Thu", "Ye", "Phyo", "Khant", "Nay", "Zin", "Lin", "Paing", "Wai", "Yan"}
	burmeseFemale  = []string{"Khin", "Nyein", "Su", "Mya", "Thida", "Hnin", "Ei", "Phyu", "May", "Thazin", "Wint", "Yadanar", "Cho", "Myat", "Nandar", "Zar"}
	muslimMale     = []string{"Mohammed", "Abdul", "Nur", "Rashid", "Karim", "Salim", "Yusuf", "Anwar", "Hamid", "Jamal", "Rafiq", "Shafiq", "Kamal", "Faisal", "Hasan", "Habib", "Ismail", "Ibrahim"}
	muslimFemale   = []string{"Fatema", "Rokeya", "Hasina", "Nur", "Ayesha", "Amina", "Jannat", "Setara", "Rahima", "Sufia", "Roshida", "Shamima"}
	bengaliFamily  = []string{"Rahman", "Hossain", "Islam", "Uddin", "Alam", "Ullah", "Miah", "Sarkar", "Chowdhury", "Ahmed", "Haque", "Kabir", "Begum", "Khatun", "Akter"}
	vnFamily       = []string{"Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui", "Do", "Ho", "Ngo", "Duong", "Ly"}
	vnMiddleM      = []string{"Van", "Duc", "Minh", "Quang", "Huu", "Dinh", "Cong"}
	vnMiddleF      = []string{"Thi", "Ngoc", "Thu", "Kim", "Thanh"}
	vnGivenM       = []string{"Duc", "Hung", "Tuan", "Anh", "Dung", "Hai", "Nam", "Long", "Son", "Thang", "Quan", "Khoa", "Phuc", "Vinh", "Hieu", "Cuong"}
	vnGivenF       = []string{"Lan", "Hoa", "Huong", "Mai", "Linh", "Trang", "Ha", "Thao", "Nhung", "Hang", "Yen", "Phuong", "Ngan", "Dung"}
	thaiSyll       = []string{"som", "chai", "sak", "wong", "suk", "kit", "ti", "pong", "pra", "sert", "rat", "ta", "na", "kul", "sri", "wat", "tha", "non", "cha", "roen", "phan", "lert", "suwan", "boon", "mee", "kaew", "thong", "in", "anan", "pat"}
	khmerParts     = []string{"Sok", "Chea", "Sopheap", "Dara", "Vannak", "Rith", "Sothea", "Chan", "Kim", "Heng", "Meas", "Phalla", "Srey", "Pich", "Vuthy", "Sokha", "Bopha", "Chenda", "Ratha", "Samnang", "Veasna", "Mony", "Nary", "Kosal"}
	laoParts       = []string{"Bounmy", "Khamphet", "Souk", "Vong", "Phet", "Sai", "Keo", "Thong", "Vanh", "Noy", "Khamla", "Somphone", "Chanthala", "Sisavath", "Phommachanh", "Inthavong", "Douangmala", "Siphanh", "Vilayvong"}
	indoSyll       = []string{"su", "har", "to", "yan", "wa", "di", "ad", "ri", "bu", "sa", "tri", "jo", "ko", "ra", "mo", "ti", "ni", "wi", "la", "pur", "sen", "dar"}
	indoEndings    = []string{"to", "no", "yono", "wati", "yanti", "man", "di", "ni", "sih", "ah"}
	filGiven       = []string{"Jose", "Maria", "Juan", "Ana", "Mark", "Jericho", "Rowena", "Marites", "Ramon", "Jun", "Rodel", "Liza", "Arnel", "Joy", "Rey", "Cristina", "Alvin", "Grace"}
	filFamily      = []string{"Dela Cruz", "Santos", "Reyes", "Bautista", "Villanueva", "Mendoza", "Ramos", "Garcia", "Aquino", "Castillo", "Soriano", "Pascual", "Manalo", "Salazar", "Tolentino"}
	malayMale      = []string{"Ahmad", "Mohd", "Azman", "Faizal", "Hafiz", "Rosli", "Zulkifli", "Kamarul", "Shahrul", "Hisham", "Rizal", "Amir", "Azhar", "Firdaus"}
	malayFemale    = []string{"Siti", "Nur", "Aisyah", "Farah", "Zainab", "Rohani", "Salmah", "Noraini", "Hasnah", "Aminah"}
	afghanMale     = []string{"Ahmad", "Mohammad", "Ali", "Reza", "Hussain", "Mustafa", "Jawad", "Sayed", "Habib", "Naser", "Farid", "Wahid", "Najib", "Qasim"}
	afghanFamily   = []string{"Karimi", "Rahimi", "Hashimi", "Ahmadi", "Jafari", "Mohammadi", "Sultani", "Hakimi", "Nazari", "Rezaei", "Azizi", "Haidari", "Sadat", "Amiri"}
	pakMale        = []string{"Muhammad", "Imran", "Asif", "Bilal", "Zahid", "Tariq", "Usman", "Waqas", "Kashif", "Adnan", "Shahid", "Naveed"}
	pakFamily      = []string{"Khan", "Butt", "Malik", "Chaudhry", "Qureshi", "Shah", "Raza", "Iqbal", "Hussain", "Mirza", "Javed", "Abbasi"}
	tamilParts     = []string{"Siva", "Kumar", "Tharshan", "Kanthasamy", "Rajan", "Selvam", "Nathan", "Ganesh", "Murugan", "Vijay", "Prabha", "Karan", "Suthan", "Jeyan", "Balan", "Ravi"}
	sinhalaGiven   = []string{"Nuwan", "Chaminda", "Kasun", "Ruwan", "Dilshan", "Tharindu", "Lahiru", "Sanjeewa", "Nimal", "Saman", "Dinesh", "Pradeep"}
	sinhalaFamily  = []string{"Perera", "Fernando", "Silva", "Jayasinghe", "Wickramasinghe", "Bandara", "Herath", "Gunawardena", "Dissanayake", "Rathnayake", "Wijesinghe"}
	chineseFamily  = []string{"Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Lin", "Tan", "Lim", "Ong"}
	chineseSyll    = []string{"wei", "ming", "jun", "hui", "xiao", "qiang", "jian", "yong", "hua", "ling", "fang", "zhi", "xin", "hong", "jie", "bo"}
	englishGiven   = []string{"James", "Daniel", "Sarah", "Michael", "Emma", "Luke", "Chloe", "Ben", "Jack", "Olivia", "Ryan", "Megan"}
	englishFamily  = []string{"Smith", "Walker", "Harris", "Clarke", "Turner", "Mitchell", "Baker", "Cooper", "Ward", "Hughes", "Kelly", "Morgan"}
	burmesePrefixM = []string{"U", "Ko", "Maung"}
	burmesePrefixF = []string{"Daw", "Ma"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// newName generates a name of the culture.
func newName(r *rand.Rand, c culture, male bool) name {
	n := name{c: c, male: male}
	switch c {
	case cBurmese:
		parts := burmeseParts
		if !male {
			parts = burmeseFemale
		}
		k := 2 + r.IntN(2)
		for range k {
			n.parts = append(n.parts, pick(r, parts))
		}
	case cRohingya, cBengali:
		if male {
			n.parts = []string{pick(r, muslimMale), pick(r, muslimMale[1:]), pick(r, bengaliFamily[:11])}
			if r.IntN(2) == 0 {
				n.parts = []string{pick(r, muslimMale), pick(r, bengaliFamily[:11])}
			}
		} else {
			n.parts = []string{pick(r, muslimFemale), pick(r, bengaliFamily[11:])}
		}
	case cVietnamese:
		if male {
			n.parts = []string{pick(r, vnFamily), pick(r, vnMiddleM), pick(r, vnGivenM)}
		} else {
			n.parts = []string{pick(r, vnFamily), pick(r, vnMiddleF), pick(r, vnGivenF)}
		}
	case cThai:
		n.parts = []string{syllables(r, thaiSyll, 2, 3), syllables(r, thaiSyll, 3, 4)}
	case cKhmer:
		n.parts = []string{pick(r, khmerParts), pick(r, khmerParts)}
	case cLao:
		n.parts = []string{pick(r, laoParts), pick(r, laoParts)}
	case cIndonesian:
		given := syllables(r, indoSyll, 1, 2) + pick(r, indoEndings)
		if r.IntN(3) == 0 {
			n.parts = []string{given}
		} else {
			n.parts = []string{given, syllables(r, indoSyll, 1, 2) + pick(r, indoEndings)}
		}
	case cFilipino:
		n.parts = []string{pick(r, filGiven), pick(r, filFamily)}
	case cMalay:
		if male {
			n.parts = []string{pick(r, malayMale), "bin", pick(r, malayMale[2:])}
		} else {
			n.parts = []string{pick(r, malayFemale), "binti", pick(r, malayMale[2:])}
		}
	case cAfghan, cIranian:
		n.parts = []string{pick(r, afghanMale), pick(r, afghanFamily)}
		if !male {
			n.parts[0] = pick(r, []string{"Zahra", "Maryam", "Fatima", "Masuma", "Sakina", "Nargis"})
		}
	case cPakistani:
		n.parts = []string{pick(r, pakMale), pick(r, pakFamily)}
	case cTamil:
		n.parts = []string{pick(r, tamilParts) + strings.ToLower(pick(r, tamilParts)), pick(r, tamilParts)}
	case cSinhala:
		n.parts = []string{pick(r, sinhalaGiven), pick(r, sinhalaFamily)}
	case cChinese:
		n.parts = []string{pick(r, chineseFamily), capitalise(pick(r, chineseSyll)) + pick(r, chineseSyll)}
	case cAustralian:
		n.parts = []string{pick(r, englishGiven), pick(r, englishFamily)}
	}
	return n
}

func syllables(r *rand.Rand, syll []string, min, max int) string {
	var b strings.Builder
	k := min + r.IntN(max-min+1)
	for range k {
		b.WriteString(pick(r, syll))
	}
	return capitalise(b.String())
}

// canonical writes the name as the culture usually does.
func (n name) canonical() string { return strings.Join(n.parts, " ") }

// spelling lists transliteration alternatives of a name part.
var spelling = map[string][]string{
	"Mohammed": {"Mohammad", "Muhammad", "Md.", "Mohamed", "Mohd"}, "Muhammad": {"Mohammad", "Muhammed", "M."},
	"Mohammad": {"Mohammed", "Muhammad", "Mohamad"}, "Hossain": {"Hussain", "Hosen", "Hossen"}, "Uddin": {"Uddeen", "Udin"},
	"Rahman": {"Rahaman", "Rehman"}, "Chowdhury": {"Choudhury", "Chowdhuri"}, "Ullah": {"Ulla"}, "Haque": {"Hoque", "Huq"},
	"Kyaw": {"Kyau", "Chaw"}, "Htet": {"Htat", "Het"}, "Aung": {"Aong"}, "Myint": {"Myin", "Mying"}, "Thein": {"Thain"},
	"Hlaing": {"Hlaign", "Laing"}, "Naing": {"Naign"}, "Phyo": {"Pyo"}, "Khin": {"Khinn"}, "Thida": {"Theda"},
	"Nguyen": {"Nguyễn", "Ngyuen", "Nguyn"}, "Tran": {"Trần"}, "Le": {"Lê"}, "Pham": {"Phạm"}, "Hoang": {"Hoàng", "Huang"},
	"Van": {"Văn"}, "Thi": {"Thị"}, "Duc": {"Đức"}, "Dang": {"Đặng"}, "Do": {"Đỗ"}, "Vu": {"Vũ"}, "Vo": {"Võ"}, "Bui": {"Bùi"},
	"Huynh": {"Huỳnh"}, "Duong": {"Dương"}, "Ngo": {"Ngô"}, "Hung": {"Hùng"}, "Tuan": {"Tuấn"}, "Dung": {"Dũng"}, "Huong": {"Hương"},
	"Sopheap": {"Sophiep", "Sopheab"}, "Chea": {"Chia"}, "Vannak": {"Vanak"}, "Sothea": {"Sotheara"}, "Meas": {"Mias"}, "Pich": {"Pech"},
	"Sokha": {"Sokhar"}, "Vuthy": {"Vuthi"}, "Khamphet": {"Kham Phet", "Khamphete"}, "Somphone": {"Sompone", "Somphon"},
	"Phommachanh": {"Phommachan"}, "Souk": {"Souck", "Suk"},
	"Santos": {"Santoz"}, "Dela Cruz": {"Delacruz", "De la Cruz", "dela Cruz"}, "Villanueva": {"Villa Nueva", "Vilanueva"},
	"Mohd": {"Mohamad", "Muhammad", "Mohammad"}, "bin": {"b.", ""}, "binti": {"bt.", ""},
	"Karimi": {"Kareemi", "Karimy"}, "Rahimi": {"Raheemi"}, "Hashimi": {"Hashemi"}, "Ahmadi": {"Ahmady"}, "Rezaei": {"Rezai", "Rezayi"},
	"Reza": {"Raza", "Riza"}, "Hussain": {"Hussein", "Husain", "Hosseini"}, "Jafari": {"Jaafari", "Jafary"}, "Sayed": {"Syed", "Said"},
	"Qasim": {"Kasim", "Qassem"}, "Najib": {"Najeeb"}, "Habib": {"Habeeb"}, "Wahid": {"Waheed"}, "Farid": {"Fareed"},
	"Chaudhry": {"Chaudhary", "Choudhry"}, "Qureshi": {"Kureshi"}, "Usman": {"Osman"}, "Waqas": {"Waqqas"},
	"Kanthasamy": {"Kandasamy", "Kanthasami"}, "Siva": {"Shiva"}, "Murugan": {"Murukan"}, "Jeyan": {"Jayan"},
	"Zhang": {"Chang"}, "Zhou": {"Chou"}, "Zhao": {"Chao"}, "Xu": {"Hsu"}, "Chen": {"Tan", "Chan"}, "Lin": {"Lim"}, "Huang": {"Wong", "Ng"},
}

// thaiVariants spell a romanised Thai part the other usual ways.
var thaiVariants = [][2]string{{"ch", "j"}, {"ph", "p"}, {"th", "t"}, {"suwan", "suwanna"}, {"w", "v"}, {"ee", "i"}, {"oe", "e"}, {"kh", "k"}}

// indoVariants are the old (Van Ophuijsen) and new spellings of Indonesian.
var indoVariants = [][2]string{{"u", "oe"}, {"j", "dj"}, {"y", "j"}, {"c", "tj"}}

// variant writes the name another way that a person would still read as
// the same name: another transliteration of a part, the parts in another
// order, diacritics, an honorific.
func (n name) variant(r *rand.Rand) string {
	parts := append([]string(nil), n.parts...)
	changed := false
	for i, p := range parts {
		if alts, ok := spelling[p]; ok && r.IntN(2) == 0 {
			parts[i] = pick(r, alts)
			changed = true
		}
	}
	switch n.c {
	case cThai, cIndonesian:
		vs := thaiVariants
		if n.c == cIndonesian {
			vs = indoVariants
		}
		i := r.IntN(len(parts))
		low := strings.ToLower(parts[i])
		for _, v := range vs {
			if strings.Contains(low, v[0]) {
				low = strings.Replace(low, v[0], v[1], 1)
				changed = true
				break
			}
		}
		parts[i] = capitalise(low)
	case cVietnamese:
		// Given name first, as foreign forms often write it.
		if r.IntN(2) == 0 {
			parts = append([]string{parts[2]}, parts[:2]...)
			changed = true
		}
	case cBurmese:
		if r.IntN(2) == 0 {
			if n.male {
				parts = append([]string{pick(r, burmesePrefixM)}, parts...)
			} else {
				parts = append([]string{pick(r, burmesePrefixF)}, parts...)
			}
			changed = true
		}
	case cChinese, cKhmer, cLao, cFilipino, cAfghan, cIranian, cPakistani, cSinhala, cTamil:
		if len(parts) >= 2 && r.IntN(2) == 0 {
			parts[0], parts[len(parts)-1] = parts[len(parts)-1], parts[0]
			changed = true
		}
	}
	if !changed && len(parts) > 1 {
		parts[0], parts[1] = parts[1], parts[0]
	}
	out := strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
	if r.IntN(6) == 0 {
		out = strings.ToUpper(out)
	}
	return out
}

// nickname is an alias a broker is known by.
func (n name) nickname(r *rand.Rand) string {
	short := n.parts[len(n.parts)-1]
	switch n.c {
	case cBurmese:
		return pick(r, []string{"Ko ", "Maung ", "Ah "}) + short
	case cThai:
		return pick(r, []string{"Sia ", "Pi ", "Nai "}) + pick(r, []string{"Daeng", "Lek", "Noi", "Yai", "Dam", "Tong", "Ple", "Ek"})
	case cVietnamese:
		return pick(r, []string{"Anh ", "Chu ", "Bac "}) + short
	case cMalay, cIndonesian:
		return pick(r, []string{"Pak ", "Abang ", "Bos "}) + short
	case cRohingya, cBengali, cAfghan, cPakistani, cIranian:
		return pick(r, []string{"Haji ", "Bhai ", "Kaka ", "Agha "}) + short
	case cChinese:
		return "Ah " + capitalise(pick(r, chineseSyll))
	}
	return "Boss " + short
}
