/**
 * The Kubernetes panel. The sync module is not in kbgpd yet (it is the next piece of work); until it is,
 * the panel says so plainly rather than show a switch that does nothing.
 */
import { Box, Text } from "ink";

export function K8sPanel() {
  return (
    <Box flexDirection="column">
      <Text bold>Kubernetes sync</Text>
      <Text>
        This kbgpd has no Kubernetes sync module: nothing here is announced from Services, Nodes or Pods.
      </Text>
      <Text dimColor>
        Routes come from the configuration, `global rib add`, `kbgp api` and helper processes.
      </Text>
    </Box>
  );
}
