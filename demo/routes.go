package demo

// Places, routes and the patterns of the region that the generator draws
// incidents from. Volumes, fees, group sizes and seasons follow the
// published threat assessments of the region in their broad lines; the
// figures are illustrative, not statistics.

// site is a named place with approximate coordinates.
type site struct {
	country, name, kind string
	lat, lon            float64
}

var sites = map[string]site{
	// Myanmar
	"myawaddy":   {"MM", "Myawaddy", "border_crossing", 16.69, 98.51},
	"shwe_kokko": {"MM", "Shwe Kokko, Myawaddy Township", "inland", 16.83, 98.52},
	"kawthaung":  {"MM", "Kawthaung", "seaport", 9.98, 98.55},
	"sittwe":     {"MM", "Sittwe", "seaport", 20.15, 92.90},
	"maungdaw":   {"MM", "Maungdaw", "coast", 20.82, 92.36},
	"yangon":     {"MM", "Yangon", "inland", 16.84, 96.17},
	"dawei":      {"MM", "Dawei", "inland", 14.08, 98.19},
	"mawlamyine": {"MM", "Mawlamyine", "inland", 16.49, 97.63},
	"tachileik":  {"MM", "Tachileik", "border_crossing", 20.45, 99.88},
	"andaman_mm": {"MM", "Andaman Sea off Rakhine coast", "at_sea", 19.20, 93.10},
	// Thailand
	"mae_sot":       {"TH", "Mae Sot", "border_crossing", 16.71, 98.57},
	"tak":           {"TH", "Tak", "inland", 16.88, 99.12},
	"kanchanaburi":  {"TH", "Kanchanaburi", "inland", 14.02, 99.53},
	"bangkok":       {"TH", "Bangkok", "inland", 13.75, 100.50},
	"bkk":           {"TH", "Suvarnabhumi Airport (BKK)", "airport", 13.69, 100.75},
	"hat_yai":       {"TH", "Hat Yai", "inland", 7.00, 100.47},
	"sadao":         {"TH", "Sadao checkpoint", "border_crossing", 6.64, 100.42},
	"ranong":        {"TH", "Ranong", "seaport", 9.96, 98.64},
	"satun_sea":     {"TH", "Andaman Sea off Satun", "at_sea", 6.40, 99.60},
	"ranong_sea":    {"TH", "Andaman Sea off Ranong", "at_sea", 9.50, 97.90},
	"samut_sakhon":  {"TH", "Mahachai, Samut Sakhon", "seaport", 13.55, 100.27},
	"songkhla":      {"TH", "Songkhla fishing port", "seaport", 7.20, 100.60},
	"aranyaprathet": {"TH", "Aranyaprathet", "border_crossing", 13.69, 102.50},
	"nong_khai":     {"TH", "Nong Khai", "border_crossing", 17.88, 102.74},
	"mae_sai":       {"TH", "Mae Sai", "border_crossing", 20.43, 99.88},
	"chiang_rai":    {"TH", "Chiang Rai", "inland", 19.91, 99.83},
	"pattaya":       {"TH", "Pattaya", "coast", 12.93, 100.88},
	"chanthaburi":   {"TH", "Chanthaburi", "inland", 12.61, 102.10},
	// Malaysia
	"bukit_kayu_hitam": {"MY", "Bukit Kayu Hitam", "border_crossing", 6.51, 100.42},
	"alor_setar":       {"MY", "Alor Setar, Kedah", "inland", 6.12, 100.37},
	"penang":           {"MY", "Penang", "seaport", 5.41, 100.33},
	"langkawi_sea":     {"MY", "Andaman Sea off Langkawi", "at_sea", 6.20, 99.40},
	"langkawi":         {"MY", "Langkawi", "coast", 6.35, 99.80},
	"klia":             {"MY", "Kuala Lumpur International Airport (KUL)", "airport", 2.74, 101.71},
	"kuala_lumpur":     {"MY", "Kuala Lumpur", "inland", 3.14, 101.69},
	"port_klang":       {"MY", "Port Klang", "seaport", 3.00, 101.39},
	"johor_bahru":      {"MY", "Johor Bahru", "inland", 1.46, 103.76},
	"tawau":            {"MY", "Tawau, Sabah", "seaport", 4.25, 117.89},
	"tawau_sea":        {"MY", "Sulawesi Sea off Tawau", "at_sea", 4.10, 118.30},
	"sandakan":         {"MY", "Sandakan, Sabah", "seaport", 5.84, 118.12},
	"semporna":         {"MY", "Semporna, Sabah", "coast", 4.48, 118.61},
	"lahad_datu":       {"MY", "Lahad Datu plantations, Sabah", "inland", 5.03, 118.33},
	// Indonesia
	"lhokseumawe":    {"ID", "Lhokseumawe, Aceh", "coast", 5.18, 97.15},
	"aceh_sea":       {"ID", "Andaman Sea off Aceh", "at_sea", 5.90, 96.60},
	"medan":          {"ID", "Medan", "inland", 3.59, 98.67},
	"dumai":          {"ID", "Dumai", "seaport", 1.67, 101.45},
	"batam":          {"ID", "Batam", "seaport", 1.05, 104.03},
	"jakarta":        {"ID", "Jakarta", "inland", -6.20, 106.82},
	"cgk":            {"ID", "Soekarno–Hatta Airport (CGK)", "airport", -6.13, 106.66},
	"pelabuhan_ratu": {"ID", "Pelabuhan Ratu", "coast", -6.99, 106.54},
	"kupang":         {"ID", "Kupang", "seaport", -10.17, 123.60},
	"rote":           {"ID", "Rote Island", "coast", -10.75, 123.10},
	"nunukan":        {"ID", "Nunukan", "seaport", 4.13, 117.67},
	// Australia
	"ashmore_sea": {"AU", "Ashmore Reef", "at_sea", -12.25, 123.00},
	"darwin":      {"AU", "Darwin", "seaport", -12.46, 130.84},
	"broome":      {"AU", "Broome", "coast", -17.95, 122.24},
	"syd":         {"AU", "Sydney Airport (SYD)", "airport", -33.94, 151.18},
	"perth":       {"AU", "Perth", "inland", -31.95, 115.86},
	// Bangladesh
	"cox":    {"BD", "Cox's Bazar", "coast", 21.43, 92.00},
	"teknaf": {"BD", "Teknaf", "coast", 20.86, 92.30},
	"dhaka":  {"BD", "Dhaka", "inland", 23.81, 90.41},
	// Cambodia
	"poipet":        {"KH", "Poipet", "border_crossing", 13.65, 102.56},
	"phnom_penh":    {"KH", "Phnom Penh", "inland", 11.56, 104.92},
	"sihanoukville": {"KH", "Sihanoukville", "seaport", 10.63, 103.50},
	"koh_kong":      {"KH", "Koh Kong", "border_crossing", 11.62, 102.98},
	"bavet":         {"KH", "Bavet", "border_crossing", 11.07, 106.14},
	"battambang":    {"KH", "Battambang", "inland", 13.10, 103.20},
	// Lao PDR
	"vientiane":   {"LA", "Vientiane", "inland", 17.97, 102.60},
	"gt_sez":      {"LA", "Golden Triangle Special Economic Zone, Bokeo", "inland", 20.35, 100.10},
	"savannakhet": {"LA", "Savannakhet", "border_crossing", 16.55, 104.75},
	"pakse":       {"LA", "Pakse", "inland", 15.12, 105.80},
	// Viet Nam
	"hanoi":    {"VN", "Hanoi", "inland", 21.03, 105.85},
	"han":      {"VN", "Noi Bai Airport (HAN)", "airport", 21.22, 105.81},
	"nghe_an":  {"VN", "Vinh, Nghe An", "inland", 18.67, 105.68},
	"ha_tinh":  {"VN", "Ha Tinh", "inland", 18.34, 105.90},
	"mong_cai": {"VN", "Mong Cai", "border_crossing", 21.52, 107.97},
	"lao_cai":  {"VN", "Lao Cai", "border_crossing", 22.48, 103.97},
	"hcmc":     {"VN", "Ho Chi Minh City", "inland", 10.82, 106.63},
	"moc_bai":  {"VN", "Moc Bai", "border_crossing", 11.08, 106.16},
	// Philippines
	"mnl":       {"PH", "Ninoy Aquino International Airport (MNL)", "airport", 14.51, 121.02},
	"zamboanga": {"PH", "Zamboanga City", "seaport", 6.92, 122.08},
	"bongao":    {"PH", "Bongao, Tawi-Tawi", "seaport", 5.03, 119.77},
	"manila":    {"PH", "Manila", "inland", 14.60, 120.98},
	// Others on the routes
	"dongxing":  {"CN", "Dongxing", "border_crossing", 21.55, 107.97},
	"pingxiang": {"CN", "Pingxiang", "border_crossing", 22.10, 106.75},
	"guangzhou": {"CN", "Guangzhou", "inland", 23.13, 113.26},
	"kunming":   {"CN", "Kunming", "inland", 25.04, 102.70},
	"colombo":   {"LK", "Colombo", "inland", 6.93, 79.85},
	"cmb":       {"LK", "Bandaranaike International Airport (CMB)", "airport", 7.18, 79.88},
	"negombo":   {"LK", "Negombo", "coast", 7.21, 79.84},
	"trinco":    {"LK", "Trincomalee", "seaport", 8.57, 81.23},
	"karachi":   {"PK", "Karachi", "inland", 24.86, 67.00},
	"quetta":    {"PK", "Quetta", "inland", 30.18, 66.98},
	"kabul":     {"AF", "Kabul", "inland", 34.53, 69.17},
	"zahedan":   {"IR", "Zahedan", "inland", 29.50, 60.86},
	"tehran":    {"IR", "Tehran", "inland", 35.69, 51.39},
	"moscow":    {"RU", "Moscow", "inland", 55.76, 37.62},
	"prague":    {"CZ", "Prague", "inland", 50.08, 14.44},
	"berlin":    {"DE", "Berlin", "inland", 52.52, 13.40},
	"paris":     {"FR", "Paris", "inland", 48.86, 2.35},
	"calais":    {"FR", "Calais", "coast", 50.95, 1.86},
	"london":    {"GB", "London", "inland", 51.51, -0.13},
	"sin":       {"SG", "Singapore Changi Airport", "airport", 1.36, 103.99},
	"icn":       {"KR", "Incheon Airport", "airport", 37.46, 126.44},
	"nrt":       {"JP", "Narita Airport", "airport", 35.77, 140.39},
	"hkg":       {"HK", "Hong Kong Airport", "airport", 22.31, 113.91},
	"dxb":       {"AE", "Dubai Airport", "airport", 25.25, 55.36},
}

// hop is one stop of a path and the mode of transport that reached it.
type hop struct {
	site string
	mode string
	days [2]int // days on the way to this stop
}

// pattern is one kind of incident on one route.
type pattern struct {
	key    string
	weight float64
	kind   patternKind
	paths  [][]hop
	// detect lists agencies (demo agency keys "CC/Name") that detect
	// incidents of the pattern, with weights; each detects at a stop of
	// its country.
	detect []wkey
	nats   []wkey // nationalities of migrants or victims
	// total persons involved, and the share of incidents that are large
	// groups (recorded in aggregate counts).
	small, large [2]int
	largeShare   float64
	// fee per person, in USD; paid in one of currencies.
	fee        [2]float64
	currencies []string
	season     [12]float64
	// growth multiplies the weight by year (index 0 = five years ago).
	growth [6]float64
	ring   string
	// trafficking details
	exploitation []string
	sectors      []string
	offences     []string
}

type wkey struct {
	key string
	w   float64
}

type patternKind int

const (
	kindSmuggling patternKind = iota
	kindSeaSmuggling
	kindTrafficking
	kindScam
	kindDocFraud
	kindCorruption
	kindLaundering
)

var flat = [12]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}

// dry season of the Andaman Sea: boats sail November to April, hardly at
// all in the south-west monsoon.
var andamanSeason = [12]float64{1.6, 1.5, 1.3, 1.0, 0.3, 0.05, 0.03, 0.03, 0.05, 0.4, 1.3, 1.7}

// the Timor and Arafura seas: calmer from April to November.
var timorSeason = [12]float64{0.3, 0.3, 0.6, 1.0, 1.2, 1.3, 1.3, 1.4, 1.4, 1.2, 0.9, 0.4}

// land labour migration: departures after the harvest and around Songkran.
var labourSeason = [12]float64{1.1, 1.0, 1.2, 1.5, 1.3, 0.9, 0.8, 0.8, 0.9, 1.0, 1.1, 1.2}

var steady = [6]float64{1, 1, 1, 1, 1, 1}

var patterns = []*pattern{
	{
		key: "mm_th_my_land", weight: 16, kind: kindSmuggling,
		paths: [][]hop{
			{{"myawaddy", "", [2]int{}}, {"mae_sot", "foot", [2]int{1, 2}}, {"tak", "truck", [2]int{1, 3}}, {"bangkok", "truck", [2]int{1, 2}}, {"hat_yai", "truck", [2]int{1, 3}}, {"sadao", "car", [2]int{1, 2}}, {"alor_setar", "foot", [2]int{1, 3}}, {"kuala_lumpur", "car", [2]int{1, 2}}},
			{{"kawthaung", "", [2]int{}}, {"ranong", "boat", [2]int{1, 1}}, {"hat_yai", "truck", [2]int{1, 3}}, {"sadao", "car", [2]int{1, 2}}, {"bukit_kayu_hitam", "foot", [2]int{1, 2}}, {"penang", "car", [2]int{1, 2}}},
			{{"dawei", "", [2]int{}}, {"kanchanaburi", "foot", [2]int{2, 5}}, {"bangkok", "truck", [2]int{1, 2}}, {"hat_yai", "bus", [2]int{1, 2}}, {"bukit_kayu_hitam", "foot", [2]int{1, 3}}, {"kuala_lumpur", "car", [2]int{1, 2}}},
		},
		detect: []wkey{{"TH/Royal Thai Police", 5}, {"TH/Immigration Bureau", 4}, {"MY/Royal Malaysia Police", 3}, {"MY/Immigration Department of Malaysia", 2}, {"MM/Myanmar Police Force", 1}},
		nats:   []wkey{{"MM", 10}},
		small:  [2]int{1, 8}, large: [2]int{9, 45}, largeShare: 0.25,
		fee: [2]float64{1000, 2500}, currencies: []string{"THB", "THB", "MYR", "MMK", "USD"},
		season: labourSeason, growth: [6]float64{0.8, 1, 1.3, 1.3, 1.2, 1.2}, ring: "mekong_land",
	},
	{
		key: "andaman_sea", weight: 9, kind: kindSeaSmuggling,
		paths: [][]hop{
			{{"cox", "", [2]int{}}, {"andaman_mm", "boat", [2]int{2, 4}}, {"ranong_sea", "boat", [2]int{3, 6}}, {"langkawi_sea", "boat", [2]int{2, 5}}, {"langkawi", "boat", [2]int{1, 1}}},
			{{"teknaf", "", [2]int{}}, {"andaman_mm", "boat", [2]int{2, 4}}, {"satun_sea", "boat", [2]int{5, 9}}, {"langkawi_sea", "boat", [2]int{1, 3}}, {"penang", "boat", [2]int{1, 2}}},
			{{"sittwe", "", [2]int{}}, {"andaman_mm", "boat", [2]int{1, 2}}, {"aceh_sea", "boat", [2]int{8, 20}}, {"lhokseumawe", "boat", [2]int{1, 2}}},
			{{"maungdaw", "", [2]int{}}, {"ranong_sea", "boat", [2]int{4, 8}}, {"aceh_sea", "boat", [2]int{6, 15}}, {"lhokseumawe", "boat", [2]int{1, 2}}},
		},
		detect: []wkey{{"MY/Malaysian Maritime Enforcement Agency", 5}, {"ID/Indonesian National Police", 3}, {"ID/Indonesian Maritime Security Agency", 2}, {"TH/Thai Maritime Enforcement Command Centre", 2}, {"BD/Bangladesh Coast Guard", 2}, {"MM/Myanmar Police Force", 1}, {"MY/Royal Malaysia Police", 1}},
		nats:   []wkey{{"MM", 8}, {"BD", 3}},
		small:  [2]int{2, 8}, large: [2]int{50, 300}, largeShare: 0.6,
		fee: [2]float64{1500, 3000}, currencies: []string{"MYR", "BDT", "MMK", "USD"},
		season: andamanSeason, growth: [6]float64{0.6, 0.9, 1.2, 1.5, 1.4, 1.3}, ring: "andaman",
	},
	{
		key: "to_australia", weight: 6, kind: kindSeaSmuggling,
		paths: [][]hop{
			{{"kabul", "", [2]int{}}, {"klia", "air", [2]int{2, 10}}, {"dumai", "boat", [2]int{5, 20}}, {"jakarta", "bus", [2]int{3, 10}}, {"kupang", "boat", [2]int{10, 60}}, {"ashmore_sea", "boat", [2]int{2, 4}}},
			{{"zahedan", "", [2]int{}}, {"klia", "air", [2]int{3, 15}}, {"batam", "boat", [2]int{5, 20}}, {"jakarta", "bus", [2]int{3, 10}}, {"rote", "boat", [2]int{10, 60}}, {"ashmore_sea", "boat", [2]int{1, 3}}},
			{{"quetta", "", [2]int{}}, {"klia", "air", [2]int{3, 10}}, {"medan", "boat", [2]int{3, 15}}, {"pelabuhan_ratu", "bus", [2]int{5, 20}}, {"ashmore_sea", "boat", [2]int{4, 8}}},
			{{"negombo", "", [2]int{}}, {"klia", "air", [2]int{1, 5}}, {"dumai", "boat", [2]int{3, 10}}, {"kupang", "boat", [2]int{15, 60}}, {"ashmore_sea", "boat", [2]int{2, 4}}},
			{{"trinco", "", [2]int{}}, {"darwin", "boat", [2]int{18, 30}}},
		},
		detect: []wkey{{"AU/Australian Border Force", 5}, {"ID/Indonesian National Police", 3}, {"ID/Directorate General of Immigration", 2}, {"MY/Immigration Department of Malaysia", 1}, {"LK/Sri Lanka Navy", 2}, {"AU/Australian Federal Police", 1}},
		nats:   []wkey{{"AF", 4}, {"IR", 3}, {"PK", 2}, {"LK", 3}},
		small:  [2]int{1, 8}, large: [2]int{12, 150}, largeShare: 0.45,
		fee: [2]float64{5000, 15000}, currencies: []string{"USD", "USD", "IDR", "AUD", "LKR"},
		season: timorSeason, growth: [6]float64{0.7, 0.8, 1, 1.1, 1.2, 1.2}, ring: "southern_boats",
	},
	{
		key: "vn_cn_europe", weight: 5, kind: kindSmuggling,
		paths: [][]hop{
			{{"nghe_an", "", [2]int{}}, {"mong_cai", "bus", [2]int{1, 2}}, {"dongxing", "foot", [2]int{1, 1}}, {"guangzhou", "bus", [2]int{1, 3}}, {"moscow", "air", [2]int{5, 30}}, {"prague", "truck", [2]int{10, 40}}, {"calais", "truck", [2]int{5, 20}}, {"london", "truck", [2]int{1, 3}}},
			{{"ha_tinh", "", [2]int{}}, {"han", "bus", [2]int{1, 2}}, {"moscow", "air", [2]int{1, 2}}, {"berlin", "truck", [2]int{10, 40}}, {"paris", "car", [2]int{2, 10}}, {"calais", "car", [2]int{3, 15}}, {"london", "truck", [2]int{1, 2}}},
			{{"nghe_an", "", [2]int{}}, {"lao_cai", "bus", [2]int{1, 2}}, {"kunming", "bus", [2]int{1, 2}}, {"moscow", "air", [2]int{3, 20}}, {"paris", "truck", [2]int{15, 45}}, {"london", "truck", [2]int{3, 20}}},
		},
		detect: []wkey{{"VN/Border Guard Command", 4}, {"VN/Ministry of Public Security – Immigration Department", 3}, {"VN/Ministry of Public Security – Criminal Police Department", 2}},
		nats:   []wkey{{"VN", 10}},
		small:  [2]int{1, 6}, large: [2]int{7, 20}, largeShare: 0.1,
		fee: [2]float64{10000, 40000}, currencies: []string{"VND", "USD", "EUR"},
		season: [12]float64{1.3, 1.4, 1.2, 1, 1, 0.9, 0.9, 0.9, 1, 1, 1, 1.1}, growth: steady, ring: "vn_europe",
		exploitation: []string{"forced_labour"}, sectors: []string{"A", "S", "I"}, offences: []string{"02042"},
	},
	{
		key: "kh_la_th_labour", weight: 16, kind: kindSmuggling,
		paths: [][]hop{
			{{"battambang", "", [2]int{}}, {"poipet", "bus", [2]int{1, 1}}, {"aranyaprathet", "foot", [2]int{1, 1}}, {"chanthaburi", "truck", [2]int{1, 2}}},
			{{"phnom_penh", "", [2]int{}}, {"koh_kong", "bus", [2]int{1, 2}}, {"chanthaburi", "car", [2]int{1, 2}}, {"samut_sakhon", "truck", [2]int{1, 2}}},
			{{"vientiane", "", [2]int{}}, {"nong_khai", "foot", [2]int{1, 1}}, {"bangkok", "bus", [2]int{1, 2}}},
			{{"savannakhet", "", [2]int{}}, {"nong_khai", "bus", [2]int{1, 2}}, {"bangkok", "bus", [2]int{1, 2}}, {"songkhla", "truck", [2]int{1, 3}}},
		},
		detect: []wkey{{"TH/Immigration Bureau", 5}, {"TH/Royal Thai Police", 3}, {"TH/Department of Labour Protection and Welfare", 2}, {"KH/General Department of Immigration", 1}, {"LA/Lao Police", 1}},
		nats:   []wkey{{"KH", 6}, {"LA", 4}},
		small:  [2]int{1, 6}, large: [2]int{7, 30}, largeShare: 0.15,
		fee: [2]float64{100, 500}, currencies: []string{"THB", "THB", "KHR", "LAK"},
		season: labourSeason, growth: steady, ring: "mekong_land",
	},
	{
		key: "sabah_boats", weight: 9, kind: kindSmuggling,
		paths: [][]hop{
			{{"nunukan", "", [2]int{}}, {"tawau_sea", "boat", [2]int{1, 1}}, {"tawau", "boat", [2]int{1, 1}}, {"lahad_datu", "truck", [2]int{1, 2}}},
			{{"zamboanga", "", [2]int{}}, {"bongao", "boat", [2]int{1, 2}}, {"semporna", "boat", [2]int{1, 2}}, {"sandakan", "bus", [2]int{1, 2}}},
			{{"bongao", "", [2]int{}}, {"tawau_sea", "boat", [2]int{1, 2}}, {"lahad_datu", "truck", [2]int{1, 2}}},
		},
		detect: []wkey{{"MY/Malaysian Maritime Enforcement Agency", 4}, {"MY/Immigration Department of Malaysia", 3}, {"MY/Royal Malaysia Police", 2}, {"MY/Sabah Labour Department", 1}, {"PH/Philippine Coast Guard", 2}, {"ID/Indonesian National Police", 1}},
		nats:   []wkey{{"ID", 6}, {"PH", 5}},
		small:  [2]int{1, 8}, large: [2]int{9, 40}, largeShare: 0.2,
		fee: [2]float64{100, 450}, currencies: []string{"MYR", "IDR", "PHP"},
		season: flat, growth: steady, ring: "sulu_sulawesi",
	},
	{
		key: "labour_trafficking", weight: 7, kind: kindTrafficking,
		paths: [][]hop{
			{{"battambang", "", [2]int{}}, {"poipet", "bus", [2]int{1, 1}}, {"samut_sakhon", "truck", [2]int{1, 2}}},
			{{"mawlamyine", "", [2]int{}}, {"mae_sot", "foot", [2]int{1, 3}}, {"songkhla", "truck", [2]int{2, 4}}},
			{{"pakse", "", [2]int{}}, {"nong_khai", "bus", [2]int{1, 2}}, {"chanthaburi", "truck", [2]int{1, 2}}},
			{{"vientiane", "", [2]int{}}, {"bangkok", "bus", [2]int{1, 2}}},
			{{"nunukan", "", [2]int{}}, {"tawau", "boat", [2]int{1, 1}}, {"lahad_datu", "truck", [2]int{1, 2}}},
		},
		detect: []wkey{{"TH/Department of Labour Protection and Welfare", 5}, {"TH/Royal Thai Police", 3}, {"MY/Sabah Labour Department", 1}, {"MY/Royal Malaysia Police", 1}},
		nats:   []wkey{{"KH", 4}, {"MM", 4}, {"LA", 3}, {"ID", 1}},
		small:  [2]int{1, 8}, large: [2]int{9, 25}, largeShare: 0.15,
		fee: [2]float64{200, 800}, currencies: []string{"THB", "MYR"},
		season: labourSeason, growth: steady, ring: "mekong_land",
		exploitation: []string{"forced_labour", "forced_labour", "forced_labour", "domestic_servitude", "child_labour"},
		sectors:      []string{"A", "A", "A", "F", "F", "C", "T"}, offences: []string{"02042"},
	},
	{
		key: "scam_compounds", weight: 8, kind: kindScam,
		paths: [][]hop{
			{{"bangkok", "", [2]int{}}, {"mae_sot", "car", [2]int{1, 1}}, {"shwe_kokko", "boat", [2]int{1, 1}}},
			{{"hcmc", "", [2]int{}}, {"moc_bai", "car", [2]int{1, 1}}, {"bavet", "foot", [2]int{1, 1}}, {"sihanoukville", "car", [2]int{1, 2}}},
			{{"jakarta", "", [2]int{}}, {"bkk", "air", [2]int{1, 1}}, {"mae_sot", "car", [2]int{1, 1}}, {"myawaddy", "boat", [2]int{1, 1}}},
			{{"manila", "", [2]int{}}, {"bkk", "air", [2]int{1, 1}}, {"chiang_rai", "car", [2]int{1, 1}}, {"gt_sez", "boat", [2]int{1, 1}}},
			{{"kuala_lumpur", "", [2]int{}}, {"phnom_penh", "air", [2]int{1, 1}}, {"sihanoukville", "car", [2]int{1, 1}}},
			{{"colombo", "", [2]int{}}, {"bkk", "air", [2]int{1, 1}}, {"mae_sot", "car", [2]int{1, 1}}, {"myawaddy", "boat", [2]int{1, 1}}},
		},
		detect: []wkey{{"TH/Royal Thai Police", 4}, {"KH/Cambodian National Police", 3}, {"TH/Immigration Bureau", 2}, {"LA/Lao Police", 1}, {"MM/Myanmar Police Force", 1}, {"ID/Indonesian National Police", 1}, {"PH/Inter-Agency Council Against Trafficking", 2}, {"VN/Ministry of Public Security – Criminal Police Department", 1}},
		nats:   []wkey{{"VN", 3}, {"ID", 3}, {"PH", 2}, {"TH", 2}, {"MY", 1}, {"CN", 2}, {"LK", 1}, {"BD", 1}, {"KH", 1}},
		small:  [2]int{1, 8}, large: [2]int{9, 120}, largeShare: 0.2,
		fee: [2]float64{1000, 5000}, currencies: []string{"USD", "USD", "THB"},
		season: flat, growth: [6]float64{0.3, 0.7, 1.4, 2.0, 2.0, 1.7}, ring: "scam",
		exploitation: []string{"forced_criminality"}, sectors: []string{"J", "N"}, offences: []string{"02044", "09051"},
	},
	{
		key: "sexual_exploitation", weight: 6, kind: kindTrafficking,
		paths: [][]hop{
			{{"vientiane", "", [2]int{}}, {"nong_khai", "bus", [2]int{1, 1}}, {"pattaya", "bus", [2]int{1, 2}}},
			{{"tachileik", "", [2]int{}}, {"mae_sai", "foot", [2]int{1, 1}}, {"bangkok", "bus", [2]int{1, 2}}},
			{{"hanoi", "", [2]int{}}, {"lao_cai", "bus", [2]int{1, 1}}, {"kunming", "bus", [2]int{1, 2}}},
			{{"manila", "", [2]int{}}, {"klia", "air", [2]int{1, 1}}, {"kuala_lumpur", "car", [2]int{1, 1}}},
			{{"phnom_penh", "", [2]int{}}, {"poipet", "bus", [2]int{1, 1}}, {"bangkok", "bus", [2]int{1, 2}}},
		},
		detect: []wkey{{"TH/Royal Thai Police", 5}, {"MY/Royal Malaysia Police", 2}, {"VN/Border Guard Command", 2}, {"PH/Inter-Agency Council Against Trafficking", 1}, {"LA/Lao Police", 1}, {"KH/Cambodian National Police", 1}},
		nats:   []wkey{{"LA", 4}, {"MM", 3}, {"VN", 3}, {"PH", 2}, {"KH", 2}},
		small:  [2]int{1, 6}, large: [2]int{7, 15}, largeShare: 0.05,
		fee: [2]float64{500, 3000}, currencies: []string{"THB", "MYR", "USD"},
		season: flat, growth: steady, ring: "mekong_land",
		exploitation: []string{"sexual_exploitation", "sexual_exploitation", "forced_marriage"}, offences: []string{"02041"},
	},
	{
		key: "airport_documents", weight: 8, kind: kindDocFraud,
		paths: [][]hop{
			{{"dxb", "", [2]int{}}, {"bkk", "air", [2]int{1, 1}}},
			{{"cmb", "", [2]int{}}, {"klia", "air", [2]int{1, 1}}},
			{{"hkg", "", [2]int{}}, {"cgk", "air", [2]int{1, 1}}},
			{{"icn", "", [2]int{}}, {"mnl", "air", [2]int{1, 1}}},
			{{"sin", "", [2]int{}}, {"syd", "air", [2]int{1, 1}}},
			{{"bkk", "", [2]int{}}, {"syd", "air", [2]int{1, 1}}},
			{{"klia", "", [2]int{}}, {"nrt", "air", [2]int{1, 1}}},
			{{"han", "", [2]int{}}, {"bkk", "air", [2]int{1, 1}}},
			{{"mnl", "", [2]int{}}, {"klia", "air", [2]int{1, 1}}},
		},
		detect: []wkey{{"TH/Immigration Bureau", 4}, {"MY/Immigration Department of Malaysia", 3}, {"ID/Directorate General of Immigration", 2}, {"PH/Bureau of Immigration", 3}, {"AU/Australian Border Force", 3}},
		nats:   []wkey{{"VN", 3}, {"CN", 3}, {"LK", 2}, {"BD", 2}, {"IR", 2}, {"AF", 1}, {"PK", 2}, {"PH", 2}, {"ID", 1}, {"MM", 1}},
		small:  [2]int{1, 3}, large: [2]int{4, 6}, largeShare: 0.02,
		fee: [2]float64{2000, 8000}, currencies: []string{"USD", "THB", "MYR"},
		season: [12]float64{1.4, 1.2, 1, 1, 1, 1, 1.1, 1.1, 0.9, 0.9, 1, 1.5}, growth: [6]float64{0.5, 0.8, 1.1, 1.2, 1.2, 1.2}, ring: "documents",
	},
	{
		key: "corruption", weight: 2.5, kind: kindCorruption,
		paths: [][]hop{
			{{"myawaddy", "", [2]int{}}, {"mae_sot", "foot", [2]int{1, 1}}},
			{{"bongao", "", [2]int{}}, {"semporna", "boat", [2]int{1, 1}}},
			{{"teknaf", "", [2]int{}}, {"langkawi", "boat", [2]int{8, 14}}},
			{{"poipet", "", [2]int{}}, {"aranyaprathet", "foot", [2]int{1, 1}}},
		},
		detect: []wkey{{"TH/Royal Thai Police", 3}, {"MY/Royal Malaysia Police", 2}, {"ID/Indonesian National Police", 1}, {"PH/Inter-Agency Council Against Trafficking", 1}},
		nats:   []wkey{{"MM", 3}, {"KH", 2}, {"PH", 1}, {"BD", 1}},
		small:  [2]int{1, 3}, large: [2]int{4, 8}, largeShare: 0.02,
		fee: [2]float64{300, 5000}, currencies: []string{"THB", "MYR", "IDR", "PHP"},
		season: flat, growth: steady, ring: "mekong_land",
		offences: []string{"07031", "070311", "070312", "0703"},
	},
	{
		key: "laundering", weight: 1.5, kind: kindLaundering,
		paths: [][]hop{
			{{"kuala_lumpur", "", [2]int{}}},
			{{"bangkok", "", [2]int{}}},
			{{"jakarta", "", [2]int{}}},
			{{"perth", "", [2]int{}}},
			{{"phnom_penh", "", [2]int{}}},
		},
		detect: []wkey{{"MY/Royal Malaysia Police", 3}, {"TH/Royal Thai Police", 3}, {"ID/Indonesian National Police", 2}, {"AU/Australian Federal Police", 2}, {"KH/Cambodian National Police", 1}},
		nats:   []wkey{{"MY", 2}, {"TH", 2}, {"ID", 2}, {"CN", 2}, {"AU", 1}},
		small:  [2]int{1, 4}, large: [2]int{5, 8}, largeShare: 0.01,
		fee: [2]float64{20000, 400000}, currencies: []string{"MYR", "THB", "IDR", "AUD", "USD"},
		season: flat, growth: [6]float64{0.6, 0.8, 1, 1.2, 1.4, 1.4}, ring: "finance",
		offences: []string{"07041", "0704"},
	},
}

// usdRate is units of each currency per US dollar, roughly; amounts are
// rounded to what people pay in that currency.
var usdRate = map[string]struct{ rate, round float64 }{
	"USD": {1, 50}, "THB": {35, 500}, "MYR": {4.5, 50}, "MMK": {2100, 50000}, "BDT": {110, 5000},
	"VND": {24500, 1000000}, "KHR": {4100, 100000}, "LAK": {20000, 500000}, "IDR": {15500, 500000},
	"PHP": {56, 500}, "AUD": {1.5, 100}, "LKR": {300, 10000}, "EUR": {0.92, 100},
}

// phone formats by country: the international prefix and a pattern of
// the national significant number (9 = any digit).
var phoneFormats = map[string]struct{ cc, pattern string }{
	"TH": {"66", "8# ### ####"}, "MY": {"60", "1#-### ####"}, "MM": {"95", "9 ### ### ###"}, "BD": {"880", "1#########"},
	"VN": {"84", "9# ### ## ##"}, "KH": {"855", "1# ### ###"}, "LA": {"856", "20 #### ####"}, "ID": {"62", "8##-####-####"},
	"PH": {"63", "9## ### ####"}, "AU": {"61", "4## ### ###"}, "LK": {"94", "7# ### ####"}, "PK": {"92", "3## #######"},
	"AF": {"93", "7# ### ####"}, "IR": {"98", "9## ### ####"}, "CN": {"86", "1## #### ####"},
}

// banks of each country, for account numbers (a short bank code and the
// number of digits); mobile-money ids are the wallet's phone number.
var banks = map[string][]struct {
	code   string
	digits int
}{
	"TH": {{"KBANK", 10}, {"SCB", 10}, {"BBL", 10}, {"KTB", 10}},
	"MY": {{"MBB", 12}, {"CIMB", 14}, {"PBB", 10}, {"RHB", 14}},
	"ID": {{"BCA", 10}, {"BRI", 15}, {"MANDIRI", 13}, {"BNI", 10}},
	"MM": {{"KBZ", 17}, {"AYA", 16}, {"CB", 16}},
	"BD": {{"DBBL", 13}, {"IBBL", 17}, {"SONALI", 13}},
	"VN": {{"VCB", 13}, {"TCB", 14}, {"ACB", 9}, {"BIDV", 14}},
	"KH": {{"ABA", 9}, {"ACLEDA", 12}, {"WING", 8}},
	"LA": {{"BCEL", 18}, {"LDB", 14}},
	"PH": {{"BDO", 12}, {"BPI", 10}, {"MBTC", 13}},
	"AU": {{"BSB", 15}},
	"LK": {{"BOC", 10}, {"HNB", 12}},
	"PK": {{"HBL", 14}, {"MCB", 16}},
	"AF": {{"AIB", 12}},
	"IR": {{"MELLI", 16}},
	"CN": {{"ICBC", 19}, {"BOC", 19}},
}

var vesselWords = []string{"Harapan", "Jaya", "Bintang", "Laut", "Sinar", "Mutiara", "Sri", "Rezeki", "Baru", "Samudra", "Sea", "Star", "Golden", "Ocean", "Lucky", "Pearl", "Dragon", "Wave", "Phet", "Chok", "Somboon", "Sin", "Thong", "Maju", "Indah", "Abadi", "Fortune", "Horizon"}
