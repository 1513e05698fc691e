//! The diagram as a file (issue 7): `GET /models/{id}/diagram`, the model drawn by the same
//! Leptos component family as the editor's canvas (`app::diagram::render_svg`), as SVG or as
//! a PNG rasterised from that SVG with resvg.

use super::models::{full_model, load};
use super::transfer::{attachment, file_stem};
use super::{ApiError, ApiQuery};
use crate::auth::Principal;
use crate::authz::Action;
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use resvg::{tiny_skia, usvg};
use serde::Deserialize;
use std::sync::{Arc, OnceLock};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// The PNG's scale over the SVG's own size (sharp on high-density screens and in print).
const PNG_SCALE: f32 = 2.0;
/// The longest side of a PNG, in pixels; larger diagrams are scaled down to it.
const PNG_MAX_SIDE: f32 = 8000.0;
/// The most pixels a PNG holds (4 bytes each while drawing): 160 MB at most.
const PNG_MAX_PIXELS: f32 = 40_000_000.0;

/// PNGs drawn at once: each takes a core for about a second and up to 160 MB, so further
/// requests wait their turn rather than take the server's memory.
static PNG_PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(diagram))
}

/// A format the diagram can be drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum DiagramFormat {
    /// A standalone SVG document (presentation attributes only; no stylesheet).
    Svg,
    /// A PNG at twice the SVG's size, scaled down to at most 8000 pixels a side.
    Png,
}

// Only named in the OpenAPI document: utoipa would describe `Vec<u8>` as an array of numbers.
/// A PNG image, as bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct PngImage(Vec<u8>);

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DiagramQuery {
    /// `svg` (the default) or `png`.
    #[param(value_type = Option<DiagramFormat>, inline)]
    format: Option<String>,
}

/// The system's fonts, read once: the PNG's text needs them, and scanning the font
/// directories for every request would cost more than drawing. A machine without fonts gets
/// an empty database, and text is left out of the PNG (the SVG keeps it).
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            // `sans-serif` means Arial to fontdb; where there is none, any sans face will do.
            let has = |db: &usvg::fontdb::Database, name: &str| {
                db.faces()
                    .any(|f| f.families.iter().any(|(family, _)| family == name))
            };
            if !has(&db, "Arial") {
                let sans = db
                    .faces()
                    .flat_map(|f| f.families.iter().map(|(family, _)| family.clone()))
                    .find(|family| family.contains("Sans") && !family.contains("Mono"));
                if let Some(family) = sans {
                    db.set_sans_serif_family(family);
                }
            }
            Arc::new(db)
        })
        .clone()
}

/// The PNG of `svg`: twice its size, within [`PNG_MAX_SIDE`] and [`PNG_MAX_PIXELS`].
pub fn rasterise(svg: &str) -> Result<Vec<u8>, ApiError> {
    rasterise_with(svg, fonts())
}

/// [`rasterise`] with the fonts given; text no font can show is left out.
fn rasterise_with(svg: &str, fontdb: Arc<usvg::fontdb::Database>) -> Result<Vec<u8>, ApiError> {
    let options = usvg::Options {
        fontdb,
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(ApiError::internal)?;
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    let scale = PNG_SCALE
        .min(PNG_MAX_SIDE / w.max(h))
        .min((PNG_MAX_PIXELS / (w * h)).sqrt());
    let width = ((w * scale).floor() as u32).max(1);
    let height = ((h * scale).floor() as u32).max(1);
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no pixmap of {width}x{height}")))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(ApiError::internal)
}

/// GET /api/v1/models/{id}/diagram?format=svg|png: the model's diagram as a file
/// (`shop-r7-diagram.svg`), with each element's badge coloured by its highest open residual
/// severity. Any format but `svg` and `png` is 422 naming `format`.
#[utoipa::path(get, path = "/models/{id}/diagram", tag = "models",
    params(("id" = Uuid, Path), DiagramQuery),
    responses(
        (status = 200, description = "the diagram",
            content((String = "image/svg+xml"), (PngImage = "image/png"))),
        (status = 401), (status = 404), (status = 422)))]
async fn diagram(
    State(state): State<AppState>,
    principal: Principal,
    super::ApiPath(id): super::ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<DiagramQuery>,
) -> Result<Response, ApiError> {
    let stored = load(&state, &principal, id, Action::ModelRead, false).await?;
    let format = match query.format.as_deref() {
        None | Some("svg") => DiagramFormat::Svg,
        Some("png") => DiagramFormat::Png,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "format",
                "format must be svg or png",
            ))
        }
    };
    let model = full_model(&state, &stored).await?;
    let stem = format!("{}-r{}-diagram", file_stem(&stored.name), stored.revision);
    let _permit = match format {
        DiagramFormat::Png => Some(PNG_PERMITS.acquire().await.map_err(ApiError::internal)?),
        DiagramFormat::Svg => None,
    };
    let (bytes, content_type, file_name) = tokio::task::spawn_blocking(move || {
        let report = analysis::analyze(&model, &analysis::Options::default());
        let svg = app::diagram::render_svg(&model, &report);
        Ok::<_, ApiError>(match format {
            DiagramFormat::Svg => (svg.into_bytes(), "image/svg+xml", format!("{stem}.svg")),
            DiagramFormat::Png => (rasterise(&svg)?, "image/png", format!("{stem}.png")),
        })
    })
    .await
    .map_err(ApiError::internal)??;
    attachment(bytes, content_type, &file_name)
}

#[cfg(test)]
mod tests {
    use super::{rasterise, rasterise_with};

    fn png_size(png: &[u8]) -> (u32, u32) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        (be(&png[16..20]), be(&png[20..24]))
    }

    #[test]
    fn a_png_is_twice_the_svg_and_never_larger_than_the_cap() {
        let svg = |w: u32, h: u32| {
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
                 width=\"{w}\" height=\"{h}\"><rect width=\"{w}\" height=\"{h}\" \
                 fill=\"#fff\"/><text x=\"10\" y=\"20\">text</text></svg>"
            )
        };
        assert_eq!(png_size(&rasterise(&svg(300, 200)).unwrap()), (600, 400));
        let (w, h) = png_size(&rasterise(&svg(20_000, 500)).unwrap());
        assert_eq!(w, 8000);
        assert_eq!(h, 200);
        let (w, h) = png_size(&rasterise(&svg(7000, 7000)).unwrap());
        assert!(w * h <= 40_000_000 && w > 6000, "{w}x{h}");
    }

    #[test]
    fn without_fonts_the_png_is_drawn_without_its_text() {
        let model = analysis::reference_model();
        let report = analysis::analyze(&model, &analysis::Options::default());
        let svg = app::diagram::render_svg(&model, &report);
        let empty = std::sync::Arc::new(resvg::usvg::fontdb::Database::new());
        let png = rasterise_with(&svg, empty).unwrap();
        let (w, h) = png_size(&png);
        assert!(w > 1000 && h > 1000, "{w}x{h}");
    }
}
