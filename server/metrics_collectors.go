package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"onemap/layers"
	"onemap/tiles"
)

// tileCacheCollector reads the tile caches' counters at each scrape; the
// caches keep them anyway, so counting twice on the hot path is avoided.
type tileCacheCollector struct {
	ts                                                      *tileService
	hits, misses, evictions, purged, bytes, budget, entries *prometheus.Desc
}

func newTileCacheCollector(ts *tileService) *tileCacheCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("onemap_tile_cache_"+name, help, []string{"cache"}, nil)
	}
	return &tileCacheCollector{
		ts:        ts,
		hits:      desc("hits_total", "Tiles served from the cache."),
		misses:    desc("misses_total", "Tiles the cache did not hold, made by the encoder."),
		evictions: desc("evictions_total", "Tiles dropped to stay within the budget."),
		purged:    desc("purged_total", "Tiles dropped because their layer moved to a new version."),
		bytes:     desc("bytes", "Bytes of tiles held."),
		budget:    desc("budget_bytes", "The cache's budget."),
		entries:   desc("entries", "Tiles held."),
	}
}

func (c *tileCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.hits, c.misses, c.evictions, c.purged, c.bytes, c.budget, c.entries} {
		ch <- d
	}
}

func (c *tileCacheCollector) Collect(ch chan<- prometheus.Metric) {
	for name, cache := range map[string]*tiles.Cache{"tiles": c.ts.cache, "labels": c.ts.labelCache} {
		if cache == nil {
			continue // caching is off
		}
		st := cache.Stats()
		ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(st.Hits), name)
		ch <- prometheus.MustNewConstMetric(c.misses, prometheus.CounterValue, float64(st.Misses), name)
		ch <- prometheus.MustNewConstMetric(c.evictions, prometheus.CounterValue, float64(st.Evictions), name)
		ch <- prometheus.MustNewConstMetric(c.purged, prometheus.CounterValue, float64(st.Purged), name)
		ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(st.Bytes), name)
		ch <- prometheus.MustNewConstMetric(c.budget, prometheus.GaugeValue, float64(st.Budget), name)
		ch <- prometheus.MustNewConstMetric(c.entries, prometheus.GaugeValue, float64(st.Entries), name)
	}
}

// poolCollector reads the database pools at each scrape, through
// layers.PoolReporter: the server never sees the driver.
type poolCollector struct {
	pr                                                    layers.PoolReporter
	acquired, idle, total, max, acquires, waits, canceled *prometheus.Desc
	waitSeconds, replicaReads                             *prometheus.Desc
}

func newPoolCollector(pr layers.PoolReporter) *poolCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("onemap_db_pool_"+name, help, []string{"pool"}, nil)
	}
	return &poolCollector{
		pr:          pr,
		acquired:    desc("acquired_conns", "Connections in use."),
		idle:        desc("idle_conns", "Connections open and idle."),
		total:       desc("total_conns", "Connections open (in use, idle and being opened)."),
		max:         desc("max_conns", "The pool's cap."),
		acquires:    desc("acquires_total", "Connections taken from the pool."),
		waits:       desc("acquire_waits_total", "Acquires that waited because no connection was idle."),
		canceled:    desc("acquire_canceled_total", "Acquires given up while waiting."),
		waitSeconds: desc("acquire_wait_seconds_total", "Time spent acquiring connections."),
		replicaReads: prometheus.NewDesc("onemap_db_replica_reads_total",
			"Reads that could go to the read replica, by where they went: the replica, or the primary because the replica lagged or failed.",
			[]string{"served_by"}, nil),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.acquired, c.idle, c.total, c.max, c.acquires, c.waits, c.canceled, c.waitSeconds, c.replicaReads} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, label string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, label)
	}
	counter := func(d *prometheus.Desc, v float64, label string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, label)
	}
	pools := c.pr.PoolStats()
	for _, p := range pools {
		gauge(c.acquired, float64(p.Acquired), p.Pool)
		gauge(c.idle, float64(p.Idle), p.Pool)
		gauge(c.total, float64(p.Total), p.Pool)
		gauge(c.max, float64(p.Max), p.Pool)
		counter(c.acquires, float64(p.Acquires), p.Pool)
		counter(c.waits, float64(p.EmptyAcquires), p.Pool)
		counter(c.canceled, float64(p.CanceledAcquires), p.Pool)
		counter(c.waitSeconds, p.AcquireWait.Seconds(), p.Pool)
	}
	if len(pools) > 1 { // a replica is configured
		r := c.pr.ReplicaStats()
		counter(c.replicaReads, float64(r.Served), "replica")
		counter(c.replicaReads, float64(r.Lagging), "primary_replica_lagging")
		counter(c.replicaReads, float64(r.Failed), "primary_replica_failed")
	}
}
