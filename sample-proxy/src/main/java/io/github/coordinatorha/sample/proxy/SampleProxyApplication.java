package io.github.coordinatorha.sample.proxy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the sample proxy. It competes for no role: it follows rootCoord in the role
 * directory ({@code ha.directory.roles=rootCoord}) and sends each allocation to the node
 * that is active for it, riding through handovers and crashes of the RootCoords.
 */
@SpringBootApplication
public class SampleProxyApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleProxyApplication.class, args);
	}

}
