//! Diagram placement for models that arrive without it: the reference template, OTM files,
//! scripts that post bare models. Only geometry is written; no rule reads it.
//!
//! Trust boundaries are boxes that hold their children; everything else is a fixed-size node.
//! Siblings are packed in rows (shelves) no wider than a square-ish target, boundaries first
//! so that nested structure reads top-down. Coordinates are absolute canvas units. The result
//! depends only on the model's order and kinds, so the server and the browser agree.

use crate::model::{Element, Geometry, ThreatModel};
use std::collections::HashMap;

/// A node's width and height on the canvas.
pub const NODE_WIDTH: f64 = 150.0;
pub const NODE_HEIGHT: f64 = 64.0;
/// Space between siblings.
pub const GAP: f64 = 28.0;
/// Space inside a boundary around its children.
pub const PADDING: f64 = 24.0;
/// Room for a boundary's title above its children.
pub const HEADER: f64 = 30.0;
/// The smallest a boundary is drawn.
pub const MIN_BOUNDARY: (f64, f64) = (220.0, 120.0);

/// Gives every element without geometry a place. When no element has any, the whole model is
/// laid out; otherwise the missing ones go into a free row of their boundary (which grows to
/// hold them) or, without one, below everything drawn.
pub fn fill_missing(model: &mut ThreatModel) {
    if model.elements.iter().all(|e| e.geometry.is_some()) {
        return;
    }
    if model.elements.iter().all(|e| e.geometry.is_none()) {
        layout_all(model);
        return;
    }
    let missing: Vec<usize> = (0..model.elements.len())
        .filter(|&i| model.elements[i].geometry.is_none())
        .collect();
    for i in missing {
        let parent = model.elements[i]
            .parent
            .clone()
            .and_then(|p| model.element(&p).and_then(|e| e.geometry.map(|g| (p, g))));
        let size = default_size(&model.elements[i]);
        let geometry = match parent {
            Some((parent_id, pg)) => {
                // Below the parent's lowest child, growing the parent (and its ancestors).
                let bottom = model
                    .elements
                    .iter()
                    .filter(|c| c.parent.as_deref() == Some(&parent_id))
                    .filter_map(|c| c.geometry)
                    .map(|g| g.y + g.height)
                    .fold(pg.y + HEADER, f64::max);
                let g = Geometry {
                    x: pg.x + PADDING,
                    y: bottom + GAP,
                    width: size.0,
                    height: size.1,
                };
                grow_ancestors(model, &parent_id, &g);
                g
            }
            None => {
                let bottom = model
                    .elements
                    .iter()
                    .filter_map(|e| e.geometry)
                    .map(|g| g.y + g.height)
                    .fold(0.0, f64::max);
                let left = model
                    .elements
                    .iter()
                    .filter_map(|e| e.geometry)
                    .map(|g| g.x)
                    .fold(f64::INFINITY, f64::min);
                Geometry {
                    x: if left.is_finite() { left } else { 0.0 },
                    y: bottom + GAP,
                    width: size.0,
                    height: size.1,
                }
            }
        };
        model.elements[i].geometry = Some(geometry);
    }
}

/// Makes `id` and its ancestors large enough to hold `inner`.
fn grow_ancestors(model: &mut ThreatModel, id: &str, inner: &Geometry) {
    let mut at = Some(id.to_owned());
    let mut inner = *inner;
    let mut hops = 0;
    while let Some(current) = at {
        hops += 1;
        if hops > model.elements.len() {
            break; // a cycle; validation reports it
        }
        let Some(e) = model.element_mut(&current) else {
            break;
        };
        let Some(g) = e.geometry.as_mut() else {
            break;
        };
        g.width = g.width.max(inner.x + inner.width + PADDING - g.x);
        g.height = g.height.max(inner.y + inner.height + PADDING - g.y);
        inner = *g;
        at = e.parent.clone();
    }
}

fn default_size(e: &Element) -> (f64, f64) {
    if e.kind.kind().is_boundary() {
        MIN_BOUNDARY
    } else {
        (NODE_WIDTH, NODE_HEIGHT)
    }
}

/// The box an element is drawn in: its geometry, or a default size where it has none.
pub fn drawn_geometry(e: &Element) -> Geometry {
    let mut g = e.geometry.unwrap_or_default();
    if g.width <= 0.0 || g.height <= 0.0 {
        (g.width, g.height) = default_size(e);
    }
    g
}

/// The centre of a box.
pub fn centre(g: &Geometry) -> (f64, f64) {
    (g.x + g.width / 2.0, g.y + g.height / 2.0)
}

/// Where the segment from the centre of `g` towards `(tx, ty)` leaves the box `g` (where a
/// flow's line meets its element).
pub fn border_point(g: &Geometry, tx: f64, ty: f64) -> (f64, f64) {
    let (cx, cy) = centre(g);
    let (dx, dy) = (tx - cx, ty - cy);
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let sx = if dx != 0.0 {
        (g.width / 2.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let sy = if dy != 0.0 {
        (g.height / 2.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    let s = sx.min(sy).min(1.0);
    (cx + dx * s, cy + dy * s)
}

/// How deep an element is nested (0 at the top level; a parent cycle stops at the element
/// count).
pub fn depth(model: &ThreatModel, id: &str) -> usize {
    let mut depth = 0;
    let mut at = model.element(id).and_then(|e| e.parent.as_deref());
    while let Some(parent) = at {
        depth += 1;
        if depth > model.elements.len() {
            break;
        }
        at = model.element(parent).and_then(|e| e.parent.as_deref());
    }
    depth
}

/// Lays out every element, replacing any geometry.
pub fn layout_all(model: &mut ThreatModel) {
    let ids: HashMap<&str, usize> = model
        .elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    // Children by parent index (None: top level), in model order, boundaries first.
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, e) in model.elements.iter().enumerate() {
        let parent = e.parent.as_deref().and_then(|p| ids.get(p).copied());
        children.entry(parent).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by_key(|&i| (!model.elements[i].kind.kind().is_boundary(), i));
    }
    let mut sizes: HashMap<usize, (f64, f64)> = HashMap::new();
    let mut offsets: HashMap<usize, (f64, f64)> = HashMap::new();
    let mut visiting = vec![false; model.elements.len()];
    let top = children.get(&None).cloned().unwrap_or_default();
    let mut placed_top = Vec::new();
    for &i in &top {
        measure(model, &children, i, &mut sizes, &mut offsets, &mut visiting);
        placed_top.push(i);
    }
    // Elements on a parent cycle never reach the top level: give them a place anyway.
    for i in 0..model.elements.len() {
        if let std::collections::hash_map::Entry::Vacant(slot) = sizes.entry(i) {
            slot.insert(default_size(&model.elements[i]));
            placed_top.push(i);
        }
    }
    let top_sizes: Vec<(f64, f64)> = placed_top.iter().map(|i| sizes[i]).collect();
    let (top_offsets, _) = shelves(&top_sizes, 1.6);
    let mut absolute: Vec<Option<Geometry>> = vec![None; model.elements.len()];
    for (k, &i) in placed_top.iter().enumerate() {
        place(
            &children,
            i,
            top_offsets[k],
            &sizes,
            &offsets,
            &mut absolute,
        );
    }
    for (e, g) in model.elements.iter_mut().zip(absolute) {
        e.geometry = g;
    }
}

/// Computes the size of element `i` (recursively), and the offsets of its children inside it.
fn measure(
    model: &ThreatModel,
    children: &HashMap<Option<usize>, Vec<usize>>,
    i: usize,
    sizes: &mut HashMap<usize, (f64, f64)>,
    offsets: &mut HashMap<usize, (f64, f64)>,
    visiting: &mut [bool],
) -> (f64, f64) {
    if let Some(size) = sizes.get(&i) {
        return *size;
    }
    if visiting[i] {
        return default_size(&model.elements[i]);
    }
    visiting[i] = true;
    let kids = children.get(&Some(i)).cloned().unwrap_or_default();
    let size = if kids.is_empty() {
        default_size(&model.elements[i])
    } else {
        let kid_sizes: Vec<(f64, f64)> = kids
            .iter()
            .map(|&k| measure(model, children, k, sizes, offsets, visiting))
            .collect();
        let (kid_offsets, (w, h)) = shelves(&kid_sizes, 1.3);
        for (k, o) in kids.iter().zip(kid_offsets) {
            offsets.insert(*k, (o.0 + PADDING, o.1 + HEADER + PADDING / 2.0));
        }
        (
            (w + 2.0 * PADDING).max(MIN_BOUNDARY.0),
            (h + HEADER + 1.5 * PADDING).max(MIN_BOUNDARY.1),
        )
    };
    sizes.insert(i, size);
    size
}

fn place(
    children: &HashMap<Option<usize>, Vec<usize>>,
    i: usize,
    at: (f64, f64),
    sizes: &HashMap<usize, (f64, f64)>,
    offsets: &HashMap<usize, (f64, f64)>,
    absolute: &mut [Option<Geometry>],
) {
    if absolute[i].is_some() {
        return;
    }
    let (width, height) = sizes.get(&i).copied().unwrap_or((NODE_WIDTH, NODE_HEIGHT));
    absolute[i] = Some(Geometry {
        x: at.0,
        y: at.1,
        width,
        height,
    });
    for &k in children
        .get(&Some(i))
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if let Some(o) = offsets.get(&k) {
            place(
                children,
                k,
                (at.0 + o.0, at.1 + o.1),
                sizes,
                offsets,
                absolute,
            );
        }
    }
}

/// Packs boxes left to right in rows no wider than `aspect` times the side of a square of the
/// same total area (but never narrower than the widest box). Returns each box's offset and
/// the size of the whole.
fn shelves(sizes: &[(f64, f64)], aspect: f64) -> (Vec<(f64, f64)>, (f64, f64)) {
    let area: f64 = sizes.iter().map(|(w, h)| (w + GAP) * (h + GAP)).sum();
    let widest = sizes.iter().map(|s| s.0).fold(0.0, f64::max);
    let limit = (area.sqrt() * aspect).max(widest);
    let mut out = Vec::with_capacity(sizes.len());
    let (mut x, mut y, mut row_height, mut width) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for &(w, h) in sizes {
        if x > 0.0 && x + w > limit {
            y += row_height + GAP;
            x = 0.0;
            row_height = 0.0;
        }
        out.push((x, y));
        width = width.max(x + w);
        row_height = row_height.max(h);
        x += w + GAP;
    }
    (out, (width, y + row_height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_model;

    fn inside(inner: &Geometry, outer: &Geometry) -> bool {
        inner.x >= outer.x
            && inner.y >= outer.y
            && inner.x + inner.width <= outer.x + outer.width
            && inner.y + inner.height <= outer.y + outer.height
    }

    fn overlap(a: &Geometry, b: &Geometry) -> bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }

    #[test]
    fn the_reference_gets_nested_non_overlapping_boxes() {
        let mut model = reference_model();
        assert!(model.elements.iter().all(|e| e.geometry.is_none()));
        fill_missing(&mut model);
        for e in &model.elements {
            let g = e.geometry.expect("every element placed");
            if let Some(p) = &e.parent {
                let pg = model.element(p).unwrap().geometry.unwrap();
                assert!(inside(&g, &pg), "{} is not inside {p}", e.id);
            }
            for other in &model.elements {
                if other.id != e.id && other.parent == e.parent {
                    let og = other.geometry.unwrap();
                    assert!(!overlap(&g, &og), "{} overlaps {}", e.id, other.id);
                }
            }
        }
        // Deterministic: the same input lays out the same.
        let mut again = reference_model();
        fill_missing(&mut again);
        assert_eq!(model, again);
    }

    #[test]
    fn a_new_element_goes_inside_its_placed_parent() {
        let mut model = reference_model();
        fill_missing(&mut model);
        let parent = model
            .elements
            .iter()
            .find(|e| e.kind.kind().is_boundary())
            .unwrap()
            .id
            .clone();
        let mut extra = model
            .elements
            .iter()
            .find(|e| !e.kind.kind().is_boundary())
            .unwrap()
            .clone();
        extra.id = "extra".into();
        extra.parent = Some(parent.clone());
        extra.geometry = None;
        model.elements.push(extra);
        fill_missing(&mut model);
        let g = model.element("extra").unwrap().geometry.unwrap();
        let pg = model.element(&parent).unwrap().geometry.unwrap();
        assert!(inside(&g, &pg));
    }

    #[test]
    fn models_with_geometry_are_left_alone() {
        let mut model = reference_model();
        fill_missing(&mut model);
        let placed = model.clone();
        fill_missing(&mut model);
        assert_eq!(model, placed);
    }
}
