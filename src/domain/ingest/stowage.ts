import { assignDefined, type ContainerEvent, type StowageRecord } from "../../trade/index.ts";

/**
 * A bay-plan cell as the container event it stands for: the container is on board the vessel the
 * plan names, for its voyage, as of the plan's time, leaving the plan's port of departure. The
 * request clock counts it as it counts a terminal's loading report.
 */
export function onBoardEvent(cell: StowageRecord): ContainerEvent {
  const event: ContainerEvent = {
    source: cell.source,
    container: cell.container,
    containerValid: cell.containerValid,
    eventType: "on-board",
    isPlanned: false,
    vessel: { ...cell.vessel },
  };
  return assignDefined(event, {
    statusCode: cell.movementCode,
    time: cell.reportedAt,
    place: cell.placeOfDeparture,
    voyage: cell.voyage,
    billOfLading: cell.billOfLading,
    bookingNumber: cell.bookingNumber,
    sizeType: cell.sizeType,
    fullEmpty: cell.fullEmpty,
    portOfLoading: cell.portOfLoading,
    portOfDischarge: cell.portOfDischarge,
    finalDestination: cell.placeOfDelivery,
    cell: cell.cell,
  });
}
