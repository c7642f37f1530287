// Package sample holds the embedded sample city data set: a fictionalised
// Shenmu City (Shaanxi, 2019 layout of 6 subdistricts and 14 towns, about
// 480,000 residents) with one city hub (社工总站, SM00), 20 town/street
// stations (社工站, SM01–SM20) and about 300 village/community rooms (社工室,
// SM01-01 …) in data/units.csv, each carrying its social workers, pilot flag,
// evaluation grade, contract year and allocation drivers (population, elderly,
// children and assistance recipients; a station's drivers are the sums over
// its rooms), plus about 60 fund lines (资金来源) of roughly 15 million yuan in
// data/funds/*.csv from civil affairs, other departments, mass organisations
// and charity, mixing English and Chinese headers, category codes and names,
// and amount formats (thousands separators, a leading ¥, a UTF-8 BOM). The
// files are generated deterministically by gen.go; do not edit them by hand.
package sample

//go:generate go run gen.go
