//! The element palette: one variant per kind of box, each with the properties that matter
//! for threats. Defaults are the insecure choice, so an omitted property shows as a finding
//! rather than hiding one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An element's kind and its threat-relevant properties, written as
/// `"kind": {"type": "subnet", "public": false, "acl": "acl-app"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ElementKind {
    /// The public internet: an untrusted entry point.
    Internet(Empty),
    /// A system or organisation outside the model: an untrusted entry point.
    ExternalActor(Empty),
    User(User),
    CloudAccount(CloudAccount),
    Vpc(Vpc),
    Subnet(Subnet),
    TransitGateway(TransitGateway),
    VpcPeering(VpcPeering),
    RouteTable(RouteTable),
    NetworkAcl(NetworkAcl),
    SecurityGroup(SecurityGroup),
    Waf(Waf),
    VnfFirewall(Empty),
    LoadBalancer(LoadBalancer),
    VpnGateway(Empty),
    EgressGateway(Empty),
    BastionHost(BastionHost),
    Iam(Iam),
    KubernetesCluster(KubernetesCluster),
    Namespace(Namespace),
    Workload(Workload),
    KubernetesService(KubernetesService),
    Ingress(Ingress),
    IstioGateway(IstioGateway),
    DataStore(DataStore),
    CloudService(CloudService),
    Monitoring(Empty),
}

/// A kind without properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// A person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct User {
    /// Signs in with a second factor.
    pub mfa: bool,
    /// Operates the platform (administrative access).
    pub operator: bool,
}

/// A cloud account: a trust boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CloudAccount {
    /// The provider's API audit trail (who did what) is on.
    pub audit_trail: bool,
}

/// A Virtual Private Cloud: a trust boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Vpc {
    pub role: VpcRole,
    /// VPC flow logs are recorded.
    pub flow_logs: bool,
    /// The VPC has its own internet gateway.
    pub internet_gateway: bool,
}

/// What a VPC is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VpcRole {
    #[default]
    Workload,
    /// The hub: the single entry and exit point for traffic.
    Transit,
    /// The separate network operators work from.
    Management,
}

/// A subnet: a trust boundary inside a VPC.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Subnet {
    /// Routable from the internet.
    pub public: bool,
    /// The `network_acl` element applied to the subnet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acl: Option<String>,
    /// The `route_table` element applied to the subnet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_table: Option<String>,
}

/// A transit gateway and the VPCs attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TransitGateway {
    pub attachments: Vec<String>,
}

/// A peering between exactly two VPCs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct VpcPeering {
    pub peers: Vec<String>,
}

/// VPC routing rules.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RouteTable {
    pub routes: Vec<Route>,
}

/// One route: traffic for `destination` (a CIDR) goes `via` somewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub destination: String,
    pub via: RouteVia,
}

/// Where a route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RouteVia {
    /// Within the VPC.
    Local,
    /// Straight out through the VPC's internet gateway.
    InternetGateway,
    /// Through an element: transit gateway, peering, egress gateway or firewall.
    Element(String),
}

/// A stateless, ordered subnet ACL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkAcl {
    pub inbound: Vec<AclRule>,
    pub outbound: Vec<AclRule>,
}

/// One ACL entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AclRule {
    pub action: AclAction,
    pub cidr: String,
    pub ports: Ports,
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AclAction {
    Allow,
    Deny,
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ports {
    pub from: u16,
    pub to: u16,
}

impl Ports {
    /// Every port.
    pub const ALL: Ports = Ports { from: 0, to: 65535 };

    /// One port.
    pub fn single(port: u16) -> Ports {
        Ports {
            from: port,
            to: port,
        }
    }

    /// Whether the range includes `port`.
    pub fn contains(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }

    /// Whether the range covers every port.
    pub fn is_all(&self) -> bool {
        self.from == 0 && self.to == 65535
    }
}

/// A stateful, allow-only security group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityGroup {
    pub inbound: Vec<SgRule>,
    pub outbound: Vec<SgRule>,
}

/// One security-group rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SgRule {
    pub peer: Peer,
    pub ports: Ports,
}

/// The other side of a security-group rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Peer {
    /// An address range, e.g. `0.0.0.0/0`.
    Cidr(String),
    /// An element, or a security group (meaning every member of it).
    Element(String),
}

/// Whether a CIDR is the whole internet.
pub fn is_world(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0")
}

/// A web application firewall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Waf {
    pub mode: WafMode,
    /// Managed rule sets for known attack patterns (SQL injection, XSS).
    pub managed_rules: bool,
}

/// Whether a WAF blocks or only reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WafMode {
    #[default]
    Detect,
    Block,
}

/// A load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LoadBalancer {
    /// Has a public address.
    pub public: bool,
    pub layer: LbLayer,
    /// Spread over availability zones.
    pub highly_available: bool,
}

/// Load balancer layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LbLayer {
    L4,
    #[default]
    L7,
}

/// A bastion host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BastionHost {
    /// Operator sessions are recorded and tracked.
    pub session_recording: bool,
}

/// The cloud's identity and access management.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Iam {
    /// Every person must use a second factor.
    pub mfa_enforced: bool,
}

/// A Kubernetes cluster: a trust boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct KubernetesCluster {
    pub cni: Cni,
    /// A cluster-wide baseline network policy (e.g. a Calico global default deny).
    pub cluster_policy: bool,
    /// Kubernetes API audit logging.
    pub audit_logging: bool,
    /// Cluster RBAC is tied to cloud IAM identities.
    pub rbac_iam: bool,
    /// The API server has a public endpoint.
    pub public_api: bool,
}

/// The cluster's network plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cni {
    Calico,
    Cilium,
    /// A plugin that does not enforce network policies (e.g. flannel).
    #[default]
    NonEnforcing,
}

impl Cni {
    /// Whether the plugin enforces network policies.
    pub fn enforces_policies(self) -> bool {
        matches!(self, Cni::Calico | Cni::Cilium)
    }
}

/// A Kubernetes namespace: a trust boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Namespace {
    pub network_policy: PolicyMode,
}

/// A namespace's network-policy posture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyMode {
    /// No policy: every pod can talk to every pod.
    #[default]
    None,
    /// Some allow rules, but no default deny.
    AllowListed,
    /// Default deny with explicit allows.
    DefaultDeny,
}

/// A deployment or pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Workload {
    /// Has an Envoy sidecar.
    pub sidecar: bool,
    pub mtls: MtlsMode,
    /// An Istio authorization policy guards it.
    pub authorization_policy: bool,
    /// Runs privileged or with added capabilities.
    pub privileged: bool,
    /// Uses the node's network namespace.
    pub host_network: bool,
}

/// Istio peer-authentication mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MtlsMode {
    #[default]
    Disabled,
    Permissive,
    Strict,
}

/// A Kubernetes service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct KubernetesService {
    pub service_type: ServiceType,
}

/// Kubernetes service type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceType {
    #[default]
    ClusterIp,
    NodePort,
    LoadBalancer,
}

/// A Kubernetes ingress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Ingress {
    /// Terminates TLS.
    pub tls: bool,
}

/// An Istio ingress or egress gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct IstioGateway {
    pub direction: Direction,
}

/// Ingress or egress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Ingress,
    Egress,
}

/// A data store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DataStore {
    pub store: StoreKind,
    /// Encrypted at rest.
    pub encrypted: bool,
    /// Reachable through a public endpoint.
    pub public_access: bool,
    /// Backed up.
    pub backups: bool,
}

/// What kind of store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    #[default]
    ManagedDb,
    ObjectStorage,
    Cache,
}

/// A managed cloud service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CloudService {
    pub endpoint: Endpoint,
}

/// How a cloud service is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    #[default]
    Public,
    Private,
}

/// The kind of an element without its properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Internet,
    ExternalActor,
    User,
    CloudAccount,
    Vpc,
    Subnet,
    TransitGateway,
    VpcPeering,
    RouteTable,
    NetworkAcl,
    SecurityGroup,
    Waf,
    VnfFirewall,
    LoadBalancer,
    VpnGateway,
    EgressGateway,
    BastionHost,
    Iam,
    KubernetesCluster,
    Namespace,
    Workload,
    KubernetesService,
    Ingress,
    IstioGateway,
    DataStore,
    CloudService,
    Monitoring,
}

/// Where an element sits in a data-flow diagram, which decides its base STRIDE threats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DfdClass {
    ExternalEntity,
    Process,
    DataStore,
    /// Trust boundaries: containers, not diagram nodes.
    Boundary,
    /// Network configuration (route tables, ACLs, security groups, transit gateways,
    /// peerings), attached to other elements rather than talked to.
    Configuration,
}

impl Kind {
    /// The kind's name for people, as the canvas, the exports and the PDF write it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Internet => "Internet",
            Kind::ExternalActor => "External actor",
            Kind::User => "User",
            Kind::CloudAccount => "Cloud account",
            Kind::Vpc => "VPC",
            Kind::Subnet => "Subnet",
            Kind::TransitGateway => "Transit gateway",
            Kind::VpcPeering => "VPC peering",
            Kind::RouteTable => "Route table",
            Kind::NetworkAcl => "Network ACL",
            Kind::SecurityGroup => "Security group",
            Kind::Waf => "WAF",
            Kind::VnfFirewall => "VNF firewall",
            Kind::LoadBalancer => "Load balancer",
            Kind::VpnGateway => "VPN gateway",
            Kind::EgressGateway => "Egress gateway",
            Kind::BastionHost => "Bastion host",
            Kind::Iam => "IAM",
            Kind::KubernetesCluster => "Kubernetes cluster",
            Kind::Namespace => "Namespace",
            Kind::Workload => "Workload",
            Kind::KubernetesService => "Kubernetes service",
            Kind::Ingress => "Ingress",
            Kind::IstioGateway => "Istio gateway",
            Kind::DataStore => "Data store",
            Kind::CloudService => "Cloud service",
            Kind::Monitoring => "Monitoring / logs",
        }
    }

    /// Every kind, in palette order.
    pub const ALL: [Kind; 27] = [
        Kind::Internet,
        Kind::ExternalActor,
        Kind::User,
        Kind::CloudAccount,
        Kind::Vpc,
        Kind::Subnet,
        Kind::TransitGateway,
        Kind::VpcPeering,
        Kind::RouteTable,
        Kind::NetworkAcl,
        Kind::SecurityGroup,
        Kind::Waf,
        Kind::VnfFirewall,
        Kind::LoadBalancer,
        Kind::VpnGateway,
        Kind::EgressGateway,
        Kind::BastionHost,
        Kind::Iam,
        Kind::KubernetesCluster,
        Kind::Namespace,
        Kind::Workload,
        Kind::KubernetesService,
        Kind::Ingress,
        Kind::IstioGateway,
        Kind::DataStore,
        Kind::CloudService,
        Kind::Monitoring,
    ];

    /// The DFD class of the kind.
    pub fn class(self) -> DfdClass {
        use Kind::*;
        match self {
            Internet | ExternalActor | User => DfdClass::ExternalEntity,
            CloudAccount | Vpc | Subnet | KubernetesCluster | Namespace => DfdClass::Boundary,
            TransitGateway | VpcPeering | RouteTable | NetworkAcl | SecurityGroup => {
                DfdClass::Configuration
            }
            DataStore | Monitoring => DfdClass::DataStore,
            Waf | VnfFirewall | LoadBalancer | VpnGateway | EgressGateway | BastionHost | Iam
            | Workload | KubernetesService | Ingress | IstioGateway | CloudService => {
                DfdClass::Process
            }
        }
    }

    /// Containers: account, VPC, subnet, cluster and namespace.
    pub fn is_boundary(self) -> bool {
        self.class() == DfdClass::Boundary
    }

    /// Untrusted entry points: the internet and external actors.
    pub fn is_untrusted(self) -> bool {
        matches!(self, Kind::Internet | Kind::ExternalActor)
    }

    /// Whether a data flow may start or end here: not configuration, and not a boundary
    /// except a cluster (whose API server operators talk to).
    pub fn is_flow_endpoint(self) -> bool {
        match self.class() {
            DfdClass::Configuration => false,
            DfdClass::Boundary => self == Kind::KubernetesCluster,
            _ => true,
        }
    }
}

impl ElementKind {
    /// The kind without its properties.
    pub fn kind(&self) -> Kind {
        use ElementKind as E;
        match self {
            E::Internet(_) => Kind::Internet,
            E::ExternalActor(_) => Kind::ExternalActor,
            E::User(_) => Kind::User,
            E::CloudAccount(_) => Kind::CloudAccount,
            E::Vpc(_) => Kind::Vpc,
            E::Subnet(_) => Kind::Subnet,
            E::TransitGateway(_) => Kind::TransitGateway,
            E::VpcPeering(_) => Kind::VpcPeering,
            E::RouteTable(_) => Kind::RouteTable,
            E::NetworkAcl(_) => Kind::NetworkAcl,
            E::SecurityGroup(_) => Kind::SecurityGroup,
            E::Waf(_) => Kind::Waf,
            E::VnfFirewall(_) => Kind::VnfFirewall,
            E::LoadBalancer(_) => Kind::LoadBalancer,
            E::VpnGateway(_) => Kind::VpnGateway,
            E::EgressGateway(_) => Kind::EgressGateway,
            E::BastionHost(_) => Kind::BastionHost,
            E::Iam(_) => Kind::Iam,
            E::KubernetesCluster(_) => Kind::KubernetesCluster,
            E::Namespace(_) => Kind::Namespace,
            E::Workload(_) => Kind::Workload,
            E::KubernetesService(_) => Kind::KubernetesService,
            E::Ingress(_) => Kind::Ingress,
            E::IstioGateway(_) => Kind::IstioGateway,
            E::DataStore(_) => Kind::DataStore,
            E::CloudService(_) => Kind::CloudService,
            E::Monitoring(_) => Kind::Monitoring,
        }
    }
}
