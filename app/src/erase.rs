//! [`Erase::erase`]: a view made into an [`AnyView`] without its asynchronous hydration.
//!
//! `into_any()` keeps four functions of the view behind the type-erased value (build, rebuild,
//! hydrate, and `hydrate_async`), and the linker cannot drop any of them. `hydrate_async` is
//! the path for lazily loaded routes and islands, which Rampart does not use; its state
//! machines were the largest part of the wasm bundle (0.6 MB of 4.4 MB of code). [`Synced`]
//! forwards everything to the view it wraps except `hydrate_async`, which it leaves to the
//! trait's default (synchronous hydration inside a ready future), so the view's own async path
//! is never instantiated. Use `.erase()` wherever `.into_any()` would be written, and [`When`]
//! instead of `<Show>`.

use leptos::prelude::*;
use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::html::attribute::Attribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};

/// Type-erases a view the way `into_any()` does, without the asynchronous hydration path.
pub trait Erase {
    fn erase(self) -> AnyView;
}

impl<V> Erase for V
where
    V: RenderHtml + Send + 'static,
{
    fn erase(self) -> AnyView {
        Synced(self).into_any()
    }
}

/// A view that hydrates only synchronously (see the module's documentation).
pub struct Synced<V>(V);

impl<V: Render> Render for Synced<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl<V: RenderHtml> AddAnyAttr for Synced<V> {
    type Output<SomeNewAttr: Attribute> = Synced<V::Output<SomeNewAttr>>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        Synced(self.0.add_any_attr(attr))
    }
}

impl<V: RenderHtml> RenderHtml for Synced<V> {
    type AsyncOutput = Synced<V::AsyncOutput>;
    type Owned = Synced<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve()
    }

    async fn resolve(self) -> Self::AsyncOutput {
        Synced(self.0.resolve().await)
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0
            .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        )
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        Synced(self.0.into_owned())
    }
}

/// `<Show>` without its type erasure: the children render while `when` holds. (`Show` takes
/// its children as `AnyView`, which brings back the asynchronous hydration path for each use.)
#[component]
pub fn When<W, C>(
    /// Whether the children are on show; they are rebuilt only when it flips.
    when: W,
    children: TypedChildrenFn<C>,
) -> impl IntoView
where
    W: Fn() -> bool + Send + Sync + 'static,
    C: IntoView + 'static,
{
    let when = Memo::new(move |_| when());
    let children = children.into_inner();
    move || when.get().then(|| children())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The bundle stays free of async hydration only if no view is erased the other way (by
    /// `into_any()`, or by a component that takes its children as `AnyView`).
    #[test]
    fn no_view_is_erased_with_into_any() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(
            files.len() > 20,
            "the sources were not found under {root:?}"
        );
        let offenders: Vec<_> = files
            .iter()
            .filter(|f| !f.ends_with("erase.rs"))
            .filter(|f| {
                let text = std::fs::read_to_string(f).unwrap();
                text.contains(".into_any()") || text.contains("<Show") || text.contains("<A ")
            })
            .collect();
        assert!(
            offenders.is_empty(),
            "use .erase() instead of .into_any(), <When> instead of <Show> and <a> instead of \
             <A> in {offenders:?}"
        );
    }
}
