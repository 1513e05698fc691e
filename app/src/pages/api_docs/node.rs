//! A small HTML tree for the reference's content, and its one renderer.
//!
//! The reference is built in the browser from the document and never hydrated, so it needs no
//! typed `view!` per shape: every element goes through [`render`], a single generic path,
//! which keeps the wasm small (each distinct Leptos view type adds its own code).

use crate::erase::Erase;
use leptos::html::custom;
use leptos::prelude::*;

/// An element or a text.
pub enum Node {
    Text(String),
    Element {
        tag: &'static str,
        class: Option<&'static str>,
        id: Option<String>,
        href: Option<String>,
        children: Vec<Node>,
    },
}

/// `<tag>children</tag>`.
pub fn el(tag: &'static str, children: Vec<Node>) -> Node {
    Node::Element {
        tag,
        class: None,
        id: None,
        href: None,
        children,
    }
}

/// `<tag class="…">children</tag>`.
pub fn classed(tag: &'static str, class: &'static str, children: Vec<Node>) -> Node {
    Node::Element {
        tag,
        class: Some(class),
        id: None,
        href: None,
        children,
    }
}

/// `<a href="…">children</a>`, with a class when given.
pub fn link(href: String, class: Option<&'static str>, children: Vec<Node>) -> Node {
    Node::Element {
        tag: "a",
        class,
        id: None,
        href: Some(href),
        children,
    }
}

/// A text.
pub fn text(value: impl Into<String>) -> Node {
    Node::Text(value.into())
}

impl Node {
    /// The same element with an id.
    pub fn with_id(mut self, value: String) -> Node {
        if let Node::Element { id, .. } = &mut self {
            *id = Some(value);
        }
        self
    }
}

/// The view of `node`.
pub fn render(node: Node) -> AnyView {
    match node {
        Node::Text(value) => value.erase(),
        Node::Element {
            tag,
            class,
            id,
            href,
            children,
        } => custom(tag)
            .attr("class", class)
            .attr("id", id)
            .attr("href", href)
            .child(render_all(children))
            .erase(),
    }
}

/// The views of `nodes`, in order.
pub fn render_all(nodes: Vec<Node>) -> Vec<AnyView> {
    nodes.into_iter().map(render).collect()
}
