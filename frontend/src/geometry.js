// geometry.js has the little planar geometry the app needs: where to put a
// polygon's label.

// labelPoint returns a point inside the largest polygon of a Polygon or
// MultiPolygon: its centroid when that lies inside, otherwise the point of
// a grid over the polygon farthest from its edges. null for other types.
export function labelPoint(geometry) {
  let polygons;
  if (geometry.type === 'Polygon') polygons = [geometry.coordinates];
  else if (geometry.type === 'MultiPolygon') polygons = geometry.coordinates;
  else return null;
  let best = null, bestArea = -1;
  for (const poly of polygons) {
    const a = Math.abs(ringArea(poly[0] ?? []));
    if (a > bestArea) [best, bestArea] = [poly, a];
  }
  if (!best || best[0].length < 4) return null;
  const c = centroid(best[0]);
  if (c && inside(c, best)) return c;
  return deepestGridPoint(best);
}

// ringArea is the signed shoelace area of a ring (square degrees).
function ringArea(ring) {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return s / 2;
}

// centroid is the area centroid of a ring.
function centroid(ring) {
  let a = 0, x = 0, y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += f;
    x += (ring[j][0] + ring[i][0]) * f;
    y += (ring[j][1] + ring[i][1]) * f;
  }
  if (a === 0) return null;
  return [x / (3 * a), y / (3 * a)];
}

// inside tests a point against a polygon with holes (even-odd rule).
function inside([px, py], polygon) {
  let odd = false;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

// edgeDistance is the distance from p to the nearest edge of the polygon.
function edgeDistance([px, py], polygon) {
  let d = Infinity;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j], [bx, by] = ring[i];
      const dx = bx - ax, dy = by - ay;
      const t = dx || dy ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy))) : 0;
      d = Math.min(d, Math.hypot(px - (ax + t * dx), py - (ay + t * dy)));
    }
  }
  return d;
}

// deepestGridPoint searches a 24 × 24 grid over the polygon's box.
function deepestGridPoint(polygon) {
  const ring = polygon[0];
  const xs = ring.map((p) => p[0]), ys = ring.map((p) => p[1]);
  const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best = ring[0], bestD = -1;
  const steps = 24;
  for (let i = 0; i <= steps; i++) {
    for (let j = 0; j <= steps; j++) {
      const p = [w + ((e - w) * (i + 0.5)) / (steps + 1), s + ((n - s) * (j + 0.5)) / (steps + 1)];
      if (!inside(p, polygon)) continue;
      const d = edgeDistance(p, polygon);
      if (d > bestD) [best, bestD] = [p, d];
    }
  }
  return best;
}
