package pricefile

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// benchRows is the size of the benchmark price files.
const benchRows = 500_000

// benchCSV returns a generated German price list of benchRows rows in
// Windows-1252 with "€" amounts, thousands separators, core charges and
// supersessions (about 100 bytes a row).
func benchCSV(b *testing.B) []byte {
	b.Helper()
	g := &genReader{limit: 1 << 62}
	var buf bytes.Buffer
	for g.rows < benchRows {
		var chunk [64 << 10]byte
		n, _ := g.Read(chunk[:])
		buf.Write(chunk[:n])
	}
	// Cut after the last complete row of benchRows.
	data := buf.Bytes()
	lines := 0
	for i, c := range data {
		if c == '\n' {
			if lines++; lines == benchRows+1 {
				data = data[:i+1]
				break
			}
		}
	}
	return encode(b, string(data), "windows-1252")
}

// benchXLSX returns a workbook of benchRows rows written with excelize's
// stream writer: numbers as numeric cells, the net price a formula with
// its cached value.
func benchXLSX(b *testing.B) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"Teilenummer", "Bezeichnung", "Marke", "UPE", "Netto", "Pfand", "VPE", "Ersetzt durch"}); err != nil {
		b.Fatal(err)
	}
	for i := range benchRows {
		list := float64(1000+i%500000) / 100 * 3
		var core, succ any
		if i%5 == 0 {
			core = 25.0
		}
		if i%7 == 0 {
			succ = genNumber(brands[i%6], i+1)
		}
		row := []any{genNumber(brands[i%6], i), descsDE[i%10], brands[i%6], list,
			excelize.Cell{Formula: fmt.Sprintf("ROUND(D%d*0.72,2)", i+2), Value: float64(int(list*72)) / 100}, core, 1 + i%3, succ}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// benchRead reads data b.N times and reports rows/s (wall clock),
// rows/cpu-s (the process's CPU time, which other load on the machine
// does not inflate), MB/s, and memory: peak-heap-MB is the most heap in
// use above the baseline (garbage included, so it grows with GOGC's
// headroom over the input held in memory), peak-live-MB the most heap
// that was live after a collection above the baseline, both sampled every
// 10,000 rows.
func benchRead(b *testing.B, data []byte, contentType, name string) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	base, baseLive := ms.HeapInuse, live[0].Value.Uint64()
	peak, peakLive := base, baseLive
	var elapsed, cpu time.Duration
	for b.Loop() {
		rows := 0
		start, startCPU := time.Now(), cpuTime()
		res, err := Read(context.Background(), struct{ io.Reader }{bytes.NewReader(data)}, -1, contentType, name, nil,
			func(r Row) error {
				if rows++; rows%10_000 == 0 {
					runtime.ReadMemStats(&ms)
					metrics.Read(live)
					peak, peakLive = max(peak, ms.HeapInuse), max(peakLive, live[0].Value.Uint64())
				}
				return nil
			}, nil)
		elapsed += time.Since(start)
		cpu += cpuTime() - startCPU
		if err != nil {
			b.Fatal(err)
		}
		if rows != benchRows || res.Bad != 0 {
			b.Fatalf("%d rows, %+v", rows, res)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(benchRows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
	b.ReportMetric(float64(peak-base)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peakLive-baseLive)/(1<<20), "peak-live-MB")
	b.ReportMetric(float64(len(data))/(1<<20), "input-MB")
}

// cpuTime returns the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReadCSV reads a generated 500,000-row Windows-1252 ";" price
// list (about 50 MB), streamed (not as an io.ReaderAt).
//
//	go test -run x -bench ReadCSV -benchtime 3x ./internal/pricefile/
func BenchmarkReadCSV(b *testing.B) {
	benchRead(b, benchCSV(b), "text/csv", "preise.csv")
}

// BenchmarkReadXLSX reads a generated 500,000-row workbook (one sheet,
// formulas with cached values); excelize spools the sheet to a temporary
// file beyond 16 MB.
//
//	go test -run x -bench ReadXLSX -benchtime 1x ./internal/pricefile/
func BenchmarkReadXLSX(b *testing.B) {
	benchRead(b, benchXLSX(b), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "preise.xlsx")
}
