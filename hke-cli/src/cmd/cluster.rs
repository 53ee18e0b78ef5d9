//! Helm's cluster flags (`--kubeconfig`, `--kube-context`, `-n`, ...) and the release
//! storage they lead to (`HELM_DRIVER`: `secret` by default, `configmap`, `memory`).

use clap::Args;
use hke_core::kube::{Cluster, ConnectOptions, KubeClient, KubeObjects};
use hke_core::storage::{DriverKind, MemoryDriver, ObjectDriver, Storage};
use std::path::PathBuf;
use std::sync::Arc;

/// The flags every cluster command shares, as helm's global flags.
#[derive(Args, Debug, Clone, Default)]
pub struct ClusterFlags {
    /// Path to the kubeconfig file.
    #[arg(long, global = true, env = "KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,
    /// Name of the kubeconfig context to use.
    #[arg(long = "kube-context", global = true, env = "HELM_KUBECONTEXT")]
    pub kube_context: Option<String>,
    /// Namespace scope for this request.
    #[arg(short = 'n', long, global = true, env = "HELM_NAMESPACE")]
    pub namespace: Option<String>,
    /// Bearer token used for authentication.
    #[arg(long = "kube-token", global = true, env = "HELM_KUBETOKEN")]
    pub kube_token: Option<String>,
    /// The address and the port for the Kubernetes API server.
    #[arg(long = "kube-apiserver", global = true, env = "HELM_KUBEAPISERVER")]
    pub kube_apiserver: Option<String>,
    /// Username to impersonate for the operation.
    #[arg(long = "kube-as-user", global = true, env = "HELM_KUBEASUSER")]
    pub kube_as_user: Option<String>,
    /// Group to impersonate for the operation (repeatable).
    #[arg(long = "kube-as-group", global = true)]
    pub kube_as_group: Vec<String>,
    /// Skip the server certificate check (insecure).
    #[arg(
        long = "kube-insecure-skip-tls-verify",
        global = true,
        env = "HELM_KUBEINSECURE_SKIP_TLS_VERIFY"
    )]
    pub kube_insecure_skip_tls_verify: bool,
    /// The certificate authority file for the Kubernetes API server connection.
    #[arg(long = "kube-ca-file", global = true, env = "HELM_KUBECAFILE")]
    pub kube_ca_file: Option<PathBuf>,
}

impl ClusterFlags {
    /// Connects to the cluster.
    pub fn client(&self) -> Result<KubeClient, String> {
        KubeClient::connect(&ConnectOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.kube_context.clone(),
            token: self.kube_token.clone(),
            api_server: self.kube_apiserver.clone(),
            as_user: self.kube_as_user.clone(),
            as_groups: self.kube_as_group.clone(),
            insecure_skip_tls_verify: self.kube_insecure_skip_tls_verify,
            ca_file: self.kube_ca_file.clone(),
        })
        .map_err(|e| e.to_string())
    }

    /// The release storage of the namespace (or of all namespaces), the driver chosen by
    /// `HELM_DRIVER`; returns the storage and the namespace in use.
    pub fn storage(&self, all_namespaces: bool) -> Result<(Storage, String), String> {
        self.storage_with(all_namespaces, None)
    }

    /// As [`ClusterFlags::storage`], over an already connected client when one is given.
    pub fn storage_with(
        &self,
        all_namespaces: bool,
        client: Option<Arc<KubeClient>>,
    ) -> Result<(Storage, String), String> {
        let driver = std::env::var("HELM_DRIVER").unwrap_or_default();
        if driver == "memory" {
            let ns = self.namespace.clone().unwrap_or_else(|| "default".into());
            return Ok((Storage::new(Box::new(MemoryDriver::new(&ns))), ns));
        }
        let kind = DriverKind::from_helm_driver(&driver)
            .ok_or_else(|| format!("unknown driver {driver:?}"))?;
        let client = match client {
            Some(c) => c,
            None => Arc::new(self.client()?),
        };
        let ns = self
            .namespace
            .clone()
            .unwrap_or_else(|| client.default_namespace().to_string());
        let scope = if all_namespaces {
            None
        } else {
            Some(ns.clone())
        };
        let objects = KubeObjects::new(client, kind, scope);
        Ok((
            Storage::new(Box::new(ObjectDriver::new(kind, Box::new(objects)))),
            ns,
        ))
    }
}
